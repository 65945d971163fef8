using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Unit.Airsenal;

/// <summary>Every parser on what the real AIrsenal 1.15 printed; the values are the printout's.</summary>
public sealed class RealOutputParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MakeSquad_ReadsTheSquadScoresAndTheBareLineupBlock()
    {
        var squad = SquadParser.Parse(RealOutput.Lines("make_squad.stdout.txt"))!;

        Assert.Equal(194.17803281497973, squad.BestScore);
        Assert.Equal(15, squad.Squad.Count);
        Assert.Equal(new SquadMember("GK", "Martinez", "AVL", 5.0), squad.Squad[0]);
        Assert.Equal(new SquadMember("DEF", "Krejčí", "SUN", 4.5), squad.Squad[5]);
        Assert.Equal(new SquadMember("FWD", "Thiago", "BHA", 7.2), squad.Squad[^1]);
        Assert.Equal(4.0, squad.Bank);
        Assert.Equal((21, 23, 194.18), (squad.GameweekStart, squad.GameweekEnd, squad.TotalScore));
        Assert.Equal((21, 55.35), (squad.NextGameweek, squad.ExpectedPoints));
        Assert.Equal("Thiago", squad.Captain);
        Assert.Equal("B.Fernandes", squad.ViceCaptain);
        Assert.Equal(
            ["Hermansen", "Aït-Nouri", "Ballard", "Krejčí", "Mukiele", "B.Fernandes", "E.Le Fée", "Rogers", "Barnes", "Haaland", "Thiago"],
            squad.StartingLineup.Select(p => p.Name));
        Assert.Equal(["GK", "DEF", "DEF", "DEF", "DEF", "MID", "MID", "MID", "MID", "FWD", "FWD"], squad.StartingLineup.Select(p => p.PositionGroup));
        Assert.Equal(new LineupPlayer("Aït-Nouri", "DEF", "LEE", false, false), squad.StartingLineup[1]);
        Assert.Equal(["Martinez", "O'Reilly", "Calvert-Lewin", "Wilson"], squad.Bench.Select(b => b.Name));
        Assert.Equal("AVL", squad.Bench[0].Team);
    }

    [Fact]
    public void Optimisation_ReadsTheWholePlanScoresAndLineup()
    {
        var output = OptimisationParser.Parse(RealOutput.Lines("run_optimization.stdout.txt"))!;

        Assert.Equal(OptimiserFormat.Current, output.Format);
        Assert.Equal(742663, output.TeamId);
        Assert.Equal(2, output.FreeTransfers);
        Assert.Equal((177.8, 199.5), (output.BaselinePoints, output.BestPoints));
        Assert.Equal(21.7, output.PointsGain!.Value, 3);
        Assert.Equal(53.7, output.ExpectedPoints);
        Assert.Equal(
            [new TransferPair(21, "O.Dango", "Foden"), new TransferPair(22, "Wilson", "Wieffer"), new TransferPair(22, "Calvert-Lewin", "Woltemade"), new TransferPair(23, "Sarr", "Trossard")],
            output.Transfers);
        Assert.Equal(
            [(21, (string?)null, (int?)0, (double?)5.4, (double?)53.7), (22, null, 0, 5.3, 73.7), (23, null, 0, 5.5, 88.5)],
            output.Gameweeks.Select(g => (g.Gameweek, g.Chip, g.PointsHit, g.Bank, g.PredictedScore)));
        Assert.Equal(["Wieffer", "Woltemade"], output.Gameweeks[1].TransfersOut);
        Assert.Equal(["Wilson", "Calvert-Lewin"], output.Gameweeks[1].TransfersIn);
        Assert.Equal(21, output.LineupGameweek);
        Assert.Equal("Thiago", output.Captain);
        Assert.Equal("O.Dango", output.ViceCaptain);
        Assert.Equal(
            ["Dúbravka", "Senesi", "Mukiele", "Ballard", "Wieffer", "Semenyo", "Cherki", "O.Dango", "Haaland", "Thiago", "Woltemade"],
            output.StartingLineup.Select(p => p.Name));
        Assert.Equal(["Virgil", "Keane", "Roefs", "Trossard"], output.Bench.Select(b => b.Name));
        Assert.StartsWith("================\nOPTIMUM STRATEGY", output.SummaryText, StringComparison.Ordinal);
        Assert.EndsWith("Trossard (ARS)", output.SummaryText, StringComparison.Ordinal);
        Assert.DoesNotContain("(y/n)", output.SummaryText, StringComparison.Ordinal);
    }

    [Fact]
    public void Optimisation_FromTheRecording_StdoutOnly_HasNoStderrWarningInItsSummary()
    {
        var log = RealOutput.Recording("run_optimization.jsonl");
        var stdout = log.Where(l => l.Source == LogSource.Stdout).Select(l => l.Text).ToList();

        var output = OptimisationParser.Parse(stdout)!;

        Assert.Equal(199.5, output.BestPoints);
        Assert.Equal(3, output.Gameweeks.Count);
        Assert.Equal(11, output.StartingLineup.Count);
        Assert.DoesNotContain("Warning", output.SummaryText, StringComparison.Ordinal);
        Assert.DoesNotContain("403", output.SummaryText, StringComparison.Ordinal);
        Assert.DoesNotContain("%|", output.SummaryText, StringComparison.Ordinal);
    }

    [Fact]
    public void Prediction_ReadsTheTopFivePerPositionForGameweeks21To23()
    {
        var output = PredictionParser.Parse(RealOutput.Lines("run_prediction.stdout.txt"), Now)!;

        Assert.Equal([21, 22, 23], output.Gameweeks);
        Assert.Equal(5, output.TopN);
        Assert.Equal(20, output.Players.Count);
        Assert.Equal(new PredictedPlayer(1, "Martinez", 10.73, "GK", 5.0, "AVL", 1), output.Players[0]);
        Assert.Equal(new PredictedPlayer(9, "Matheus N.", 11.40, "DEF", 5.3, "LEE", 4), output.Players.Single(p => p.Player == "Matheus N."));
        Assert.Equal(new PredictedPlayer(17, "Haaland", 22.57, "FWD", 14.7, "LEE", 2), output.Players.Single(p => p.Player == "Haaland"));
        Assert.Equal(new PredictedPlayer(14, "E.Le Fée", 15.91, "MID", 4.8, "NEW", 4), output.Players.Single(p => p.Player == "E.Le Fée"));
        Assert.Equal(["GK", "DEF", "MID", "FWD"], output.Players.Select(p => p.Position).Distinct());
        Assert.StartsWith("==================================================\nPREDICTED TOP 5 PLAYERS", output.SummaryText, StringComparison.Ordinal);
        Assert.EndsWith("5. Isidor, 14.06pts (£5.0m, NEW)", output.SummaryText, StringComparison.Ordinal);
    }

    [Fact]
    public void SetupDb_Counts841CurrentPlayers_TwoSeasons_AndTheFirstSquad()
    {
        var output = SetupDbParser.Parse(RealOutput.Lines("setup_initial_db.stdout.txt"))!;

        Assert.Equal(841, output.PlayersAdded);
        Assert.Equal(["2627", "2526"], output.Seasons);
        Assert.False(output.AlreadyExists);
        Assert.True(output.Done);
        Assert.Equal(15, output.InitialSquad.Count);
        Assert.Equal(new InitialSquadPlayer("Areola", 1, 4.5), output.InitialSquad[0]);
        Assert.Equal(new InitialSquadPlayer("M.Salah", 1, 14.0), output.InitialSquad[5]);
        Assert.Equal(new InitialSquadPlayer("Dalot", 1, 4.5), output.InitialSquad[^1]);
    }

    [Fact]
    public void UpdateDb_ReadsEachStep_And64TransfersEachWay()
    {
        var output = UpdateDbParser.Parse(RealOutput.Lines("update_db.stdout.txt"))!;

        Assert.False(output.DatabaseEmpty);
        Assert.True(output.PlayersUpToDate);
        Assert.Empty(output.PlayersAdded);
        Assert.True(output.AttributesUpdated);
        Assert.True(output.FixturesUpdated);
        Assert.Equal("up_to_date", output.Results);
        Assert.Equal("updated", output.Squad);
        Assert.Equal((64, 64), (output.TransfersIn, output.TransfersOut));
    }

    [Fact]
    public void SetLineup_ReadsTheSameBareBlockAsMakeSquad()
    {
        // No real set_lineup run exists (the stub refused login); it prints the squad block make_squad prints
        // (reference §2.7, print(squad)), so the real make_squad block stands in for it, between set_lineup's own lines.
        var block = RealOutput.Lines("make_squad.stdout.txt").SkipWhile(l => l != "== GK ==");
        string[] lines = ["fpl_team_id is 742663", .. block, "Apply changes to lineup? (yes/no) Applying Changes...", "Lineup set!"];

        var output = SetLineupParser.Parse(lines)!;

        Assert.Equal(742663, output.TeamId);
        Assert.Equal(("Thiago", "B.Fernandes"), (output.Captain, output.ViceCaptain));
        Assert.Equal(11, output.StartingLineup.Count);
        Assert.Equal(["Martinez", "O'Reilly", "Calvert-Lewin", "Wilson"], output.Bench.Select(b => b.Name));
        Assert.True(output.Applied);
        Assert.Equal("lineup", AirsenalOutputParser.Parse("set_lineup", lines, Now)!["type"]!.GetValue<string>());
        Assert.False(SetLineupParser.Parse([.. lines[..^2], "Apply changes to lineup? (yes/no) Not proceeding with lineup update"])!.Applied);
        Assert.Null(SetLineupParser.Parse(["fpl_team_id is 742663", "Lineup set!"]));
    }

    [Fact]
    public void Pipeline_WithTheRealSquadStep_BringsTheLineupBack()
    {
        // No real pipeline run exists: its markers (reference §2.8) wrap the real make_squad printout here.
        string[] lines = ["Running for FPL Team ID 742663", "Found pre-existing AIrsenal database.", "Generating a squad..",
            .. RealOutput.Lines("make_squad.stdout.txt"), "Optimization complete..", "Pipeline finished OK!"];

        var json = AirsenalOutputParser.Parse("pipeline", lines, Now)!;

        Assert.Null(json["optimisation"]);
        Assert.Equal("Thiago", json["squad"]!["captain"]!.GetValue<string>());
        Assert.Equal(11, json["squad"]!["starting_lineup"]!.AsArray().Count);
        Assert.Equal([("setup_db", true), ("make_squad", true)],
            json["stages"]!.AsArray().Select(s => (s!["name"]!.GetValue<string>(), s["completed"]!.GetValue<bool>())));
    }
}
