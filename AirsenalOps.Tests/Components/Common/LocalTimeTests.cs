using AirsenalOps.Web.Components.Common;
using Bunit;

namespace AirsenalOps.Tests.Components.Common;

public sealed class LocalTimeTests : MudTestContext
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 11, 0, 7, 456, TimeSpan.Zero);

    [Fact]
    public void ShowsTheBrowsersZone_WithUtcOnHover()
    {
        var time = Render<LocalTime>(p => p
            .Add(t => t.Value, At)
            .AddCascadingValue(BrowserTimeZone.FromId("Asia/Tokyo")));

        var span = time.Find("span.local-time");
        Assert.Equal("2026-12-05 20:00:07 UTC+9", span.TextContent);
        Assert.Equal("2026-12-05 11:00:07 UTC", span.GetAttribute("title"));
        Assert.Equal("Asia/Tokyo", span.GetAttribute("data-zone"));
    }

    [Fact]
    public void BeforeTheZoneIsKnown_ReadsInLabelledUtc()
    {
        var time = Render<LocalTime>(p => p.Add(t => t.Value, At).AddCascadingValue(BrowserTimeZone.Unknown));

        Assert.Equal("2026-12-05 11:00:07 UTC", time.Find("span").TextContent);
        Assert.Equal("UTC", time.Find("span").GetAttribute("data-zone"));
    }
}
