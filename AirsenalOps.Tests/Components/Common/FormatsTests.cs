using AirsenalOps.Web.Components.Common;

namespace AirsenalOps.Tests.Components.Common;

public sealed class FormatsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 20, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(125, "2m 05s")]
    [InlineData(3 * 3600 + 7 * 60, "3h 07m")]
    [InlineData(-3, "0s")]
    public void Duration_IsCompact(int seconds, string expected) =>
        Assert.Equal(expected, Formats.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void MissingValues_ReadAsADash()
    {
        Assert.Equal("–", Formats.Duration(null));
        Assert.Equal("–", Formats.Duration(Now, null));
        Assert.Equal("–", Formats.Time(null));
        Assert.Equal("–", Formats.Relative(null, Now));
        Assert.Equal("–", Formats.Points(null));
        Assert.Equal("–", Formats.Price(null));
    }

    [Fact]
    public void Relative_SaysFutureOrPast()
    {
        Assert.Equal("in 1m 30s", Formats.Relative(Now.AddSeconds(90), Now));
        Assert.Equal("10s ago", Formats.Relative(Now.AddSeconds(-10), Now));
    }

    [Fact]
    public void TimesAndNumbers_AreInvariant()
    {
        Assert.Equal("2026-11-27 20:00:00 UTC", Formats.Time(Now.ToOffset(TimeSpan.FromHours(2))));
        Assert.Equal("£7.5m", Formats.Price(7.5));
        Assert.Equal("61.25", Formats.Points(61.25));
        Assert.Equal("2m 00s", Formats.Duration(Now, Now.AddMinutes(2)));
    }

    [Fact]
    public void Local_ReadsInTheBrowsersZone_ToTheSecond_WithItsOffset()
    {
        var at = new DateTimeOffset(2026, 7, 1, 17, 30, 5, 123, TimeSpan.Zero);

        Assert.Equal("2026-07-01 18:30:05 UTC+1", Formats.Local(at, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")));
        Assert.Equal("2026-07-02 02:30:05 UTC+9", Formats.Local(at, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")));
        Assert.Equal("2026-07-01 23:00:05 UTC+5:30", Formats.Local(at, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata")));
        Assert.Equal("2026-07-01 13:30:05 UTC-4", Formats.Local(at, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")));
        // Winter in London is UTC+0: said as an offset, so it never reads like the "zone unknown" fallback.
        Assert.Equal("2026-12-01 17:30:05 UTC+0", Formats.Local(at.AddMonths(5), TimeZoneInfo.FindSystemTimeZoneById("Europe/London")));
    }

    [Fact]
    public void Local_WithoutAZone_FallsBackToLabelledUtc()
    {
        Assert.Equal("2026-11-27 20:00:00 UTC", Formats.Local(Now, null));
        Assert.Equal("–", Formats.Local(null, TimeZoneInfo.Utc));
    }

    [Theory]
    [InlineData("Asia/Tokyo", true)]
    [InlineData("Not/AZone", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void BrowserTimeZone_TrustsOnlyZonesThisMachineKnows(string? id, bool known) =>
        Assert.Equal(known, BrowserTimeZone.FromId(id).Zone is not null);

    [Fact]
    public void BrowserTimeZone_RefusesAnAbsurdlyLongId() =>
        Assert.Null(BrowserTimeZone.FromId(new string('a', 5000)).Zone);

    [Fact]
    public void Progress_GivesTheEtaInTheBrowsersZone() =>
        Assert.Equal(
            "50% · ETA 2026-11-28 05:10:00 UTC+9 (in 10m 00s)",
            Formats.Progress(50, null, null, Now.AddMinutes(10), Now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")));
}
