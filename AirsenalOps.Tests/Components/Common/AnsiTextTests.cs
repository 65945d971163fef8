using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Common;
using Bunit;

namespace AirsenalOps.Tests.Components.Common;

public sealed class AnsiTextTests : ConsoleTestContext
{
    [Fact]
    public void PlainLine_IsOneUnstyledSegment() =>
        Assert.Equal([new AnsiSegment("hello", null, null)], AnsiText.Parse("hello"));

    [Fact]
    public void Colours_BecomeClasses_AndResetEndsThem()
    {
        var segments = AnsiText.Parse("\u001b[1;31mERROR\u001b[0m done");

        Assert.Equal([new AnsiSegment("ERROR", "ansi-fg-1 ansi-bold", null), new AnsiSegment(" done", null, null)], segments);
    }

    [Fact]
    public void BrightAndBackgroundColours_MapToTheUpperPalette()
    {
        var segments = AnsiText.Parse("\u001b[92;44mok\u001b[39mbg\u001b[49m");

        Assert.Equal("ansi-fg-10 ansi-bg-4", segments[0].CssClass);
        Assert.Equal("ansi-bg-4", segments[1].CssClass);
    }

    [Fact]
    public void ExtendedColours_BecomeInlineStyles()
    {
        Assert.Equal("color:rgb(10,20,30)", AnsiText.Parse("\u001b[38;2;10;20;30mx")[0].Style);
        Assert.Equal("background-color:rgb(255,0,0)", AnsiText.Parse("\u001b[48;5;196mx")[0].Style);
        Assert.Equal("color:rgb(8,8,8)", AnsiText.Parse("\u001b[38;5;232mx")[0].Style);
        Assert.Equal("color:var(--ansi-3)", AnsiText.Parse("\u001b[38;5;3mx")[0].Style);
    }

    [Fact]
    public void OtherEscapes_AreDropped_NotShown()
    {
        var segments = AnsiText.Parse("\u001b]0;title\u0007a\u001b[2Kb\u001b[1Gc\u001b");

        Assert.Equal("abc", string.Concat(segments.Select(s => s.Text)));
    }

    [Fact]
    public void AnsiLine_RendersMarkupInTheLog_AsText()
    {
        var line = Render<AnsiLine>(p => p.Add(l => l.Text, "\u001b[32m<b>not bold</b>\u001b[0m"));

        Assert.Empty(line.FindAll("b"));
        Assert.Equal("<b>not bold</b>", line.Find("span.ansi-fg-2").TextContent);
    }
}
