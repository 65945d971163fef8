using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Parsers;

namespace AirsenalOps.Tests.Unit.Airsenal;

public sealed class PredictionParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Parse_ReadsEveryPositionBlock_WithPricesTeamsAndRanks()
    {
        var output = PredictionParser.Parse(Fixture.Lines("predict.txt"), Now)!;

        Assert.Equal([12, 13, 14], output.Gameweeks);
        Assert.Equal(3, output.TopN);
        Assert.Equal(12, output.Players.Count);
        Assert.Equal(new PredictedPlayer(1, "Raya", 14.23, "GK", 5.5, "ARS", 1), output.Players[0]);
        Assert.Equal(new PredictedPlayer(10, "Haaland", 25.50, "FWD", 14.9, "MCI", 1), output.Players.Single(p => p.Player == "Haaland"));
    }

    [Fact]
    public void Parse_KeepsAccentsApostrophesCommasAndParentheses_InNames()
    {
        var players = PredictionParser.Parse(Fixture.Lines("predict.txt"), Now)!.Players;

        Assert.Contains(players, p => p.Player == "Sánchez" && p.Team == "CHE");
        Assert.Contains(players, p => p.Player == "O'Reilly" && p.Position == "DEF");
        Assert.Contains(players, p => p.Player == "João Pedro (Jr)" && p.ExpectedPoints == 15.0);
        var smith = players.Single(p => p.Player == "Smith, Jr.");
        Assert.Null(smith.Price);
        Assert.Equal(3, smith.PositionRank);
        Assert.Equal(9, smith.Rank);
        Assert.Equal(-0.5, players.Single(p => p.Player == "Wood").ExpectedPoints);
    }

    [Fact]
    public void Parse_SkipsInterleavedWarnings_AndLeavesThemOutOfTheSummary()
    {
        var output = PredictionParser.Parse(Fixture.Lines("predict.txt"), Now)!;

        Assert.StartsWith("=====", output.SummaryText, StringComparison.Ordinal);
        Assert.DoesNotContain("FutureWarning", output.SummaryText, StringComparison.Ordinal);
        Assert.DoesNotContain("Discord", output.SummaryText, StringComparison.Ordinal);
        Assert.Contains("1. Haaland, 25.50pts", output.SummaryText, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseToJson_HasThePeersShape()
    {
        var parameters = new JsonObject { ["weeks_ahead"] = 3 };
        var json = PredictionParser.ParseToJson(Fixture.Lines("predict.txt"), Now, parameters)!;

        Assert.Equal("prediction", json["type"]!.GetValue<string>());
        Assert.Equal(3, json["parameters"]!["weeks_ahead"]!.GetValue<int>());
        Assert.Contains("12, 13, 14", json["headline"]!.GetValue<string>(), StringComparison.Ordinal);
        var first = json["players"]![0]!;
        Assert.Equal("Raya", first["player"]!.GetValue<string>());
        Assert.Equal(14.23, first["expected_points"]!.GetValue<double>());
        Assert.Equal("GK", first["position"]!.GetValue<string>());
        Assert.Equal(1, first["rank"]!.GetValue<int>());
        Assert.Equal(1, first["position_rank"]!.GetValue<int>());
        Assert.NotNull(json["generated_at"]);
        Assert.NotNull(json["summary_text"]);
    }

    [Fact]
    public void Rank_IsTheOverallOrder_AndPositionRankTheRankWithinAPosition_AsThePeersReactAppKeysRowsByRank()
    {
        // The peer's parser numbered rows 1..N over the whole block; its React app keys its table rows by `rank`.
        var players = PredictionParser.ParseToJson(Fixture.Lines("predict.txt"), Now)!["players"]!.AsArray();

        Assert.Equal(Enumerable.Range(1, 12), players.Select(p => p!["rank"]!.GetValue<int>()));
        Assert.Equal([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3], players.Select(p => p!["position_rank"]!.GetValue<int>()));
    }

    [Fact]
    public void Parse_ReadsTheNonPerPositionVariant_WithPositionInTheRow()
    {
        string[] lines =
        [
            "PREDICTED TOP 2 PLAYERS FOR GAMEWEEK(S) [5]:",
            "1. Haaland, 9.00pts (£14.0m, FWD, MCI)",
            "2. Raya, 4.00pts (£5.5m, GK, ARS)",
        ];

        var players = PredictionParser.Parse(lines, Now)!.Players;

        Assert.Equal("FWD", players[0].Position);
        Assert.Equal("GK", players[1].Position);
    }

    [Fact]
    public void Parse_ReturnsNull_WithoutASummary()
    {
        Assert.Null(PredictionParser.Parse(["Fitting team model...", "Finished adding predictions to db"], Now));
    }

    [Fact]
    public void Parse_HandlesCarriageReturnsAndAnsiColours()
    {
        string[] lines =
        [
            "\u001b[32mPREDICTED TOP 1 PLAYERS FOR GAMEWEEK(S) [7]:\u001b[0m\r\n",
            "GK:\r",
            "1. Raya, 4.00pts (£5.5m, ARS)\r\n",
        ];

        var output = PredictionParser.Parse(lines, Now)!;

        Assert.Equal([7], output.Gameweeks);
        Assert.Equal("Raya", Assert.Single(output.Players).Player);
    }
}
