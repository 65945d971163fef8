using AirsenalOps.Core.Airsenal.Parsers;

namespace AirsenalOps.Tests.Unit.Airsenal;

public sealed class OtherParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Squad_ReadsFifteenPlayersBankScoresAndLineup()
    {
        var squad = SquadParser.Parse(Fixture.Lines("make-squad.txt"))!;

        Assert.Equal(171.23, squad.BestScore);
        Assert.Equal(15, squad.Squad.Count);
        Assert.Equal(new SquadMember("FWD", "João Pedro (Jr)", "CHE", 7.5), squad.Squad[^1]);
        Assert.Equal(0.0, squad.Bank);
        Assert.Equal((1, 3, 171.23), (squad.GameweekStart, squad.GameweekEnd, squad.TotalScore));
        Assert.Equal((1, 58.10), (squad.NextGameweek, squad.ExpectedPoints));
        Assert.Equal("M.Salah", squad.Captain);
        Assert.Equal("Haaland", squad.ViceCaptain);
        Assert.Equal(11, squad.StartingLineup.Count);
        Assert.Equal(4, squad.Bench.Count);
    }

    [Fact]
    public void Optimise_ForANewTeam_FallsBackToTheSquadBuilderOutput()
    {
        var lines = new[] { "This is the start of the season or a new team - will make a squad from scratch" }
            .Concat(Fixture.Lines("make-squad.txt")).ToArray();

        var json = AirsenalOutputParser.Parse("optimize", lines, Now)!;

        Assert.Equal("squad", json["type"]!.GetValue<string>());
    }

    [Fact]
    public void DataChecks_ReadTheOverallLineAndEachCheck()
    {
        var checks = DataCheckParser.Parse(Fixture.Lines("check-data.txt"))!;

        Assert.False(checks.Passed);
        Assert.Equal((7, 8, 2), (checks.TestsPassed, checks.TestsTotal, checks.Errors));
        Assert.Equal(8, checks.Checks.Count);
        Assert.Equal(new DataCheck("Number of fixtures", false, 2), checks.Checks[2]);
        Assert.True(checks.Checks[0].Ok);
    }

    [Fact]
    public void DataChecks_AllPassing_IsPassed_AndNoOverallIsNull()
    {
        Assert.True(DataCheckParser.Parse(["OVERALL: Passed 8 out of 8 tests with 0 errors."])!.Passed);
        Assert.Null(DataCheckParser.Parse(["Checking seasons have 20 teams..."]));
    }

    [Fact]
    public void Pipeline_ListsStagesAndEmbedsPredictionAndOptimisation()
    {
        var json = AirsenalOutputParser.Parse("pipeline", Fixture.Lines("pipeline.txt"), Now)!;

        Assert.Equal("pipeline", json["type"]!.GetValue<string>());
        Assert.Equal(742663, json["team_id"]!.GetValue<int>());
        Assert.True(json["finished"]!.GetValue<bool>());
        var stages = json["stages"]!.AsArray().Select(s => (s!["name"]!.GetValue<string>(), s["completed"]!.GetValue<bool>())).ToList();
        Assert.Equal([("setup_db", true), ("update_db", true), ("predict", true), ("optimize", true)], stages);
        Assert.Equal("Raya", json["prediction"]!["players"]![0]!["player"]!.GetValue<string>());
        Assert.Empty(json["optimisation"]!["transfers"]!.AsArray());
        Assert.Equal(0.5, json["optimisation"]!["gameweeks"]![0]!["bank"]!.GetValue<double>());
    }

    [Fact]
    public void Pipeline_StageOf_NamesTheStageOfAMarker()
    {
        Assert.Equal("predict", PipelineParser.StageOf("Running prediction.."));
        Assert.Null(PipelineParser.StageOf("Adding player Raya"));
        var unfinished = PipelineParser.Stages(["Updating database..", "Updating player table..."]);
        Assert.False(Assert.Single(unfinished).Completed);
    }

    [Fact]
    public void OutputParser_HasNothingForCommandsWithoutASummary()
    {
        // update_db and setup_db have step summaries now (DatabaseJobParserTests); set_lineup prints none.
        Assert.Null(AirsenalOutputParser.Parse("set_lineup", ["fpl_team_id is 742663", "Lineup set!"], Now));
        Assert.Equal("data_checks", AirsenalOutputParser.Parse("check_data", Fixture.Lines("check-data.txt"), Now)!["type"]!.GetValue<string>());
        Assert.Equal("squad", AirsenalOutputParser.Parse("make_squad", Fixture.Lines("make-squad.txt"), Now)!["type"]!.GetValue<string>());
        Assert.Equal("prediction", AirsenalOutputParser.Parse("predict", Fixture.Lines("predict.txt"), Now)!["type"]!.GetValue<string>());
    }
}
