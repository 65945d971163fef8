using AirsenalOps.Core.Airsenal.Parsers;

namespace AirsenalOps.Tests.Unit.Airsenal;

public sealed class OptimisationParserTests
{
    [Fact]
    public void Current_ReadsScoresTeamAndFreeTransfers()
    {
        var output = OptimisationParser.Parse(Fixture.Lines("optimise-current.txt"))!;

        Assert.Equal(OptimiserFormat.Current, output.Format);
        Assert.Equal(742663, output.TeamId);
        Assert.Equal(2, output.FreeTransfers);
        Assert.Equal(152.3, output.BaselinePoints);
        Assert.Equal(158.9, output.BestPoints);
        Assert.Equal(6.6, output.PointsGain!.Value, 3);
        Assert.Equal(55.2, output.ExpectedPoints);
    }

    [Fact]
    public void Current_LeftColumnIsOut_RightColumnIsIn_AndNoneRowsAreSkipped()
    {
        var output = OptimisationParser.Parse(Fixture.Lines("optimise-current.txt"))!;

        Assert.Equal(
            [new TransferPair(12, "Saliba", "Gabriel"), new TransferPair(12, "Mbeumo", "Ødegaard"), new TransferPair(14, "O'Reilly", "Smith, Jr.")],
            output.Transfers);
        var gw13 = output.Gameweeks.Single(g => g.Gameweek == 13);
        Assert.Empty(gw13.TransfersIn);
        Assert.Empty(gw13.TransfersOut);
        Assert.Equal("triple_captain", gw13.Chip);
    }

    [Fact]
    public void Current_ReadsPerGameweekChipHitBankAndScore()
    {
        var gameweeks = OptimisationParser.Parse(Fixture.Lines("optimise-current.txt"))!.Gameweeks;

        Assert.Equal([12, 13, 14], gameweeks.Select(g => g.Gameweek));
        var gw12 = gameweeks[0];
        Assert.Null(gw12.Chip);
        Assert.Equal(4, gw12.PointsHit);
        Assert.Equal(1.5, gw12.Bank);
        Assert.Equal(55.2, gw12.PredictedScore);
        Assert.Equal(["Gabriel", "Ødegaard"], gw12.TransfersOut);
        Assert.Equal(0.0, gameweeks[2].Bank);
    }

    [Fact]
    public void Current_ReadsLineupCaptaincyAndBenchOrder_IgnoringWarnings()
    {
        var output = OptimisationParser.Parse(Fixture.Lines("optimise-current.txt"))!;

        Assert.Equal(11, output.StartingLineup.Count);
        Assert.Equal("M.Salah", output.Captain);
        Assert.Equal("Saka", output.ViceCaptain);
        Assert.Equal(12, output.LineupGameweek);
        Assert.Equal(new LineupPlayer("Raya", "GK", "ARS", false, false), output.StartingLineup[0]);
        Assert.Contains(output.StartingLineup, p => p.Name == "João Pedro (Jr)" && p.PositionGroup == "FWD" && p.Team == "CHE");
        Assert.Equal(["Pickford", "Sánchez", "Smith, Jr.", "Gabriel"], output.Bench.Select(b => b.Name));
        Assert.Equal([1, 2, 3, 4], output.Bench.Select(b => b.Order));
        Assert.DoesNotContain("Optimization complete", output.SummaryText, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", output.SummaryText, StringComparison.Ordinal);
    }

    [Fact]
    public void Current_WithoutTransfersOrBank_GivesEmptyTransfersAndNullBank()
    {
        var output = OptimisationParser.Parse(Fixture.Lines("optimise-current-no-transfers.txt"))!;

        Assert.Empty(output.Transfers);
        Assert.Equal(150.0, output.BestPoints);
        Assert.Null(Assert.Single(output.Gameweeks).Bank);
        Assert.Equal("Gabriel", output.Captain);
        Assert.Equal("Saliba", output.ViceCaptain);
        Assert.Empty(output.Bench);
    }

    [Fact]
    public void Legacy_ReadsRawFloatScores_InFirstOutSecondColumns_AndTotal()
    {
        var output = OptimisationParser.Parse(Fixture.Lines("optimise-legacy.txt"))!;

        Assert.Equal(OptimiserFormat.Legacy, output.Format);
        Assert.Equal(742663, output.TeamId);
        Assert.Equal(152.28751234, output.BaselinePoints);
        Assert.Equal(158.9412, output.BestPoints);
        Assert.Equal(158, output.ExpectedPoints);
        Assert.Equal(
            [new TransferPair(12, "William Saliba", "Gabriel dos Santos Magalhães"), new TransferPair(12, "Dara O'Shea", "Martin Ødegaard")],
            output.Transfers);
        var gw13 = output.Gameweeks.Single(g => g.Gameweek == 13);
        Assert.Equal("wildcard", gw13.Chip);
        Assert.Equal(4, gw13.PointsHit);
        Assert.Null(output.Gameweeks[0].Chip);
    }

    [Fact]
    public void Legacy_ReadsFullNameLineup()
    {
        var output = OptimisationParser.Parse(Fixture.Lines("optimise-legacy.txt"))!;

        Assert.Equal(11, output.StartingLineup.Count);
        Assert.Equal("Mohamed Salah", output.Captain);
        Assert.Equal("Erling Haaland", output.ViceCaptain);
        Assert.Equal("David Raya Martín", output.StartingLineup[0].Name);
        Assert.Equal(["Jordan Pickford", "Robert Sánchez", "Jarrod Bowen", "Matty Cash"], output.Bench.Select(b => b.Name));
    }

    [Fact]
    public void ParseToJson_HasThePeersShape()
    {
        var json = OptimisationParser.ParseToJson(Fixture.Lines("optimise-current.txt"))!;

        Assert.Equal("optimisation", json["type"]!.GetValue<string>());
        Assert.Equal(152.3, json["baseline_points"]!.GetValue<double>());
        Assert.Equal(158.9, json["best_points"]!.GetValue<double>());
        Assert.Equal("Saliba", json["transfers"]![0]!["in"]!.GetValue<string>());
        Assert.Equal("Gabriel", json["transfers"]![0]!["out"]!.GetValue<string>());
        Assert.Equal("M.Salah", json["captain"]!.GetValue<string>());
        Assert.Equal("GK", json["starting_lineup"]![0]!["position_group"]!.GetValue<string>());
        Assert.Equal("Pickford", json["bench"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("current", json["format"]!.GetValue<string>());
        Assert.Contains("OPTIMUM STRATEGY", json["summary_text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReturnsNull_WithoutASummary()
    {
        Assert.Null(OptimisationParser.Parse(["Running optimization with fpl_team_id 1", "Total progress:  7%|▋ | 1/14 [00:01<00:13]"]));
    }
}
