using AirsenalOps.Core.Airsenal.Parsers;

namespace AirsenalOps.Tests.Unit.Airsenal;

public sealed class DatabaseJobParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void UpdateDb_ReadsEachStep_AndCountsTheTransactions()
    {
        string[] lines =
        [
            "Updating player table...",
            "Adding player Ethan Nwaneri",
            "New players added - enforcing update of attributes table",
            "Updating attributes table ...",
            "ATTRIBUTES 2526 Ethan Nwaneri",
            "Updating fixture table...",
            "Updating results table ...",
            "Updating playerscores table ...",
            "Checking team",
            "Updating db with squad with fpl_team_id=742663",
            "Adding transaction: gameweek: 12 removing player 431 for 63",
            "Adding transaction: gameweek: 12 adding player 17 for 60",
            "Adding transaction: gameweek: 12 adding player 18 for 45",
        ];

        var output = UpdateDbParser.Parse(lines)!;

        Assert.Equal("update_db", output.Type);
        Assert.False(output.DatabaseEmpty);
        Assert.False(output.PlayersUpToDate);
        Assert.Equal(["Ethan Nwaneri"], output.PlayersAdded);
        Assert.True(output.AttributesUpdated);
        Assert.True(output.FixturesUpdated);
        Assert.Equal("updated", output.Results);
        Assert.Equal("updated", output.Squad);
        Assert.Equal((2, 1), (output.TransfersIn, output.TransfersOut));
    }

    [Fact]
    public void UpdateDb_UpToDateAndEmptyDatabase_AreReadAsSuch()
    {
        var upToDate = UpdateDbParser.Parse(["Player table already up-to-date.", "Updating fixture table...", "Matches and player-scores already up-to-date", "Checking team", "Team is up-to-date"])!;
        Assert.True(upToDate.PlayersUpToDate);
        Assert.Equal(("up_to_date", "up_to_date"), (upToDate.Results, upToDate.Squad));

        var beforeSeason = UpdateDbParser.Parse(["Skipping team and result updates - season hasn't started.", "No transactions as season hasn't started"])!;
        Assert.Equal(("season_not_started", "season_not_started"), (beforeSeason.Results, beforeSeason.Squad));

        Assert.True(UpdateDbParser.Parse(["Database is empty, run 'airsenal_setup_initial_db' first"])!.DatabaseEmpty);
        Assert.Null(UpdateDbParser.Parse(["Updating database...", "something else"]));
    }

    [Fact]
    public void SetupDb_ReadsSeasonsPlayersAndTheFirstSquad()
    {
        string[] lines =
        [
            "Cleaning database..",
            "Filling Teams table from data in teams.csv",
            "FIFA RATINGS 2324",
            "FIFA RATINGS 2425",
            "FIFA RATINGS 2425",
            "Adding new player Raya",
            "Adding new player Saliba",
            "Getting initially selected players in squad 742663 for first gameweek...",
            "Adding player Raya in GW1 for £5.5m",
            "Adding player Saliba in GW1 for £6.0m",
            "DONE!",
        ];

        var output = SetupDbParser.Parse(lines)!;

        Assert.Equal("setup_db", output.Type);
        Assert.True(output.Cleaned);
        Assert.False(output.AlreadyExists);
        Assert.Equal(["2324", "2425"], output.Seasons);
        Assert.Equal(2, output.PlayersAdded);
        Assert.Equal([new InitialSquadPlayer("Raya", 1, 5.5), new InitialSquadPlayer("Saliba", 1, 6.0)], output.InitialSquad);
        Assert.True(output.Done);
    }

    [Fact]
    public void SetupDb_ExistingDatabaseAndUnstartedSeason_AreReadAsSuch()
    {
        Assert.True(SetupDbParser.Parse(["AIrsenal database already exists. Run 'airsenal_setup_initial_db --clean' to delete and recreate it."])!.AlreadyExists);
        var early = SetupDbParser.Parse(["Season hasn't started yet so nothing to add to the DB.", "DONE!"])!;
        Assert.True(early.SeasonNotStarted);
        Assert.Empty(early.InitialSquad);
        Assert.Null(SetupDbParser.Parse(["nothing known"]));
    }

    [Fact]
    public void OutputParser_RoutesUpdateAndSetupCommands()
    {
        Assert.Equal("update_db", AirsenalOutputParser.Parse("update_db", ["Team is up-to-date"], Now)!["type"]!.GetValue<string>());
        Assert.Equal("setup_db", AirsenalOutputParser.Parse("setup_db", ["DONE!"], Now)!["type"]!.GetValue<string>());
    }

    [Fact]
    public void ParsedOutput_ReadsAStoredDocumentBack_AndRejectsOneWithMissingFields()
    {
        var stored = OptimisationParser.ParseToJson(Fixture.Lines("optimise-current.txt"));

        var read = ParsedOutput.Read<OptimisationOutput>(stored)!;

        Assert.Equal("optimisation", ParsedOutput.TypeOf(stored));
        Assert.Equal(OptimiserFormat.Current, read.Format);
        Assert.Equal(158.9, read.BestPoints);
        Assert.Equal(11, read.StartingLineup.Count);
        Assert.Equal("Pickford", read.Bench[0].Name);
        // The peer console stored other shapes under the same type: those read as null, not as half a record.
        Assert.Null(ParsedOutput.Read<OptimisationOutput>(new System.Text.Json.Nodes.JsonObject { ["type"] = "optimisation", ["headline"] = "gain 6" }));
        Assert.Null(ParsedOutput.Read<OptimisationOutput>(null));
        Assert.Null(ParsedOutput.TypeOf(new System.Text.Json.Nodes.JsonObject { ["type"] = 3 }));
    }
}
