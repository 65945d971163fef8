using AirsenalOps.Core.Jobs;
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

    private static string Shown(string line) => string.Concat(AnsiText.Parse(line).Select(s => s.Text));

    [Fact]
    public void UnterminatedOsc_DoesNotHideTheRestOfTheLine()
    {
        // Only the ESC goes (it has no glyph); what followed it is text.
        Assert.Equal("before ]0;title and the rest", Shown("before \u001b]0;title and the rest"));
        Assert.Equal("]8;;http://x link text", Shown("\u001b]8;;http://x link text"));
        // Another escape ends the attempt: the colour after it still applies.
        var segments = AnsiText.Parse("\u001b]0;no end \u001b[31mred");
        Assert.Equal([new AnsiSegment("]0;no end ", null, null), new AnsiSegment("red", "ansi-fg-1", null)], segments);
    }

    [Theory]
    [InlineData("\u001b[hello world", "[hello world")]
    [InlineData("a stray \u001b[", "a stray [")]
    [InlineData("\u001b[ then text", "[ then text")]
    [InlineData("x\u001b[\u001b[32mgreen", "x[green")]
    public void StrayCsi_DoesNotEatTheTextAfterIt(string line, string shown)
    {
        Assert.Equal(shown, Shown(line));
    }

    [Fact]
    public void OverlongSequences_AreNoSequence_AndTheirTextShows()
    {
        var longCsi = "[" + string.Concat(Enumerable.Repeat("1;", AnsiSequence.MaxCsiLength)) + "31m";
        Assert.Equal(longCsi + "still here", Shown("\u001b" + longCsi + "still here"));

        var longOsc = "]8;;http://example.com/" + new string('u', AnsiSequence.MaxStringLength);
        Assert.Equal(longOsc + "link", Shown("\u001b" + longOsc + "\u001b\\link"));

        // Within the caps they are sequences: a 24-bit colour for both planes applies, the title is hidden.
        var segments = AnsiText.Parse("\u001b[1;38;2;255;255;255;48;2;255;255;255mx\u001b]0;" + new string('t', 1000) + "\u0007y");
        Assert.Equal("color:rgb(255,255,255);background-color:rgb(255,255,255)", segments[0].Style);
        Assert.Equal("xy", string.Concat(segments.Select(s => s.Text)));
    }

    [Fact]
    public void AnsiLine_ShowsTheTextOfBrokenSequences()
    {
        var line = Render<AnsiLine>(p => p.Add(l => l.Text, "\u001b[32mok\u001b[0m \u001b]0;unterminated \u001b[hidden? \u001b[" + new string('9', 100) + "m end"));

        Assert.Equal("ok ]0;unterminated [hidden? [" + new string('9', 100) + "m end", line.Markup.Replace("<span class=\"ansi-fg-2\">ok</span>", "ok", StringComparison.Ordinal));
        Assert.Equal("ok", line.Find("span.ansi-fg-2").TextContent);
    }
}
