using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Unit.Airsenal;

public sealed class LatestOptimisationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 20, 0, 0, TimeSpan.Zero);

    private static JobRecord Job(string command, JsonObject? output) =>
        new() { Id = Guid.NewGuid().ToString(), Command = command, Status = JobStatus.Completed, Output = output };

    [Fact]
    public void Optimise_GivesTheStrategyAndItsLineup()
    {
        var result = LatestOptimisation.FromJob(Job("optimize", AirsenalOutputParser.Parse("optimize", Fixture.Lines("optimise-current.txt"), Now)))!;

        Assert.True(result.HasLineup);
        Assert.Equal(12, result.Gameweek);
        Assert.Equal("M.Salah", result.Starters.Single(p => p.IsCaptain).Name);
        Assert.Equal(["Pickford", "Sánchez", "Smith, Jr.", "Gabriel"], result.Bench.Select(b => b.Name));
    }

    [Fact]
    public void Pipeline_WhosePrintoutHasNoLineup_IsAResultWithoutOne()
    {
        var result = LatestOptimisation.FromJob(Job("pipeline", AirsenalOutputParser.Parse("pipeline", Fixture.Lines("pipeline.txt"), Now)))!;

        Assert.NotNull(result.Strategy);
        Assert.False(result.HasLineup);
        Assert.Empty(result.Bench);
    }

    [Fact]
    public void NewSquad_GivesTheSquadBuildersLineup()
    {
        var result = LatestOptimisation.FromJob(Job("make_squad", AirsenalOutputParser.Parse("make_squad", Fixture.Lines("make-squad.txt"), Now)))!;

        Assert.Null(result.Strategy);
        Assert.True(result.HasLineup);
        Assert.Equal(1, result.Gameweek);
        Assert.Equal(15, result.Squad!.Squad.Count);
    }

    [Fact]
    public void OutputWithoutAResult_GivesNothing()
    {
        Assert.Null(LatestOptimisation.FromJob(Job("optimize", null)));
        Assert.Null(LatestOptimisation.FromJob(Job("optimize", new JsonObject { ["type"] = "test" })));
        Assert.Null(LatestOptimisation.FromJob(Job("predict", AirsenalOutputParser.Parse("predict", Fixture.Lines("predict.txt"), Now))));
    }
}
