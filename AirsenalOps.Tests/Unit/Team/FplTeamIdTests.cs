using AirsenalOps.Core.Team;
using AirsenalOps.Tests.Integration.Team;

namespace AirsenalOps.Tests.Unit.Team;

public sealed class FplTeamIdTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Unset_IsMissing(string? text)
    {
        var reading = FplTeamId.Parse(text);

        Assert.Equal((null, true), (reading.TeamId, reading.IsMissing));
        Assert.Equal("FPL team ID not configured", reading.Problem);
    }

    [Theory]
    [InlineData("my team")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("12.5")]
    public void NotAPositiveWholeNumber_IsAProblem_NotMissing(string text)
    {
        var reading = FplTeamId.Parse(text);

        Assert.Equal((null, false), (reading.TeamId, reading.IsMissing));
        Assert.Contains("positive whole number", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_IsReadAndTrimmed()
    {
        var reading = await FplTeamId.ReadAsync(new StaticSecrets(new Dictionary<string, string> { ["FPL_TEAM_ID"] = " 742663 " }), CancellationToken.None);

        Assert.Equal(742663, reading.TeamId);
        Assert.Null(reading.Problem);
    }
}
