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
}
