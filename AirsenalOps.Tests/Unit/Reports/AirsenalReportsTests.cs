using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Reports;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Tests.Unit.Reports;

public sealed class AirsenalReportsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly AirsenalReports _reports;

    public AirsenalReportsTests()
    {
        _reports = new AirsenalReports(Options.Create(new AirsenalOptions { PersistentDbPath = _dir.File("data.db") }));
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task LatestTag_IsTheTagOfTheNewestPrediction_WithItsGameweeks()
    {
        AirsenalDbBuilder.Sample(_dir.File("data.db"));

        var tag = await _reports.GetLatestPredictionTagAsync(null, CancellationToken.None);

        Assert.Equal("tag-new", tag.Tag);
        Assert.Equal("2526", tag.Season);
        Assert.Equal([12, 13, 14], tag.Gameweeks);
        Assert.Equal(9, tag.Predictions);
    }

    [Fact]
    public async Task Predictions_SumDoubleGameweeks_NameTeamPositionPrice_AndExcludeManagers()
    {
        var ids = AirsenalDbBuilder.Sample(_dir.File("data.db"));

        var page = await _reports.GetPredictionsAsync(new PredictionQuery(), CancellationToken.None);

        Assert.Equal(4, page.Total);
        var salah = page.Players[0];
        Assert.Equal((ids.Salah, "M.Salah", "LIV", "MID", 13.0), (salah.PlayerId, salah.Name, salah.Team, salah.Position, salah.Price));
        Assert.Equal(8.0, salah.PointsByGameweek[12]);
        Assert.Equal(11.0, salah.PointsByGameweek[13]);
        Assert.Equal(19.0, salah.TotalPoints);
        Assert.Equal("William Saliba", page.Players.Single(p => p.PlayerId == ids.Saliba).Name);
        Assert.DoesNotContain(page.Players, p => p.Position == "MNG");
    }

    [Fact]
    public async Task Predictions_FilterSortAndPage()
    {
        AirsenalDbBuilder.Sample(_dir.File("data.db"));

        var ars = await _reports.GetPredictionsAsync(new PredictionQuery(Team: "ars", Sort: "name", Descending: false), CancellationToken.None);
        var gw12 = await _reports.GetPredictionsAsync(new PredictionQuery(Gameweek: 12, PageSize: 2, Page: 2), CancellationToken.None);
        var search = await _reports.GetPredictionsAsync(new PredictionQuery(Search: "haa", Position: "fwd"), CancellationToken.None);
        var byPrice = await _reports.GetPredictionsAsync(new PredictionQuery(Sort: "price"), CancellationToken.None);

        Assert.Equal(["Raya", "William Saliba"], ars.Players.Select(p => p.Name));
        Assert.Equal(4, gw12.Total);
        Assert.Equal([12], gw12.Gameweeks);
        Assert.Equal(["William Saliba", "Raya"], gw12.Players.Select(p => p.Name));
        Assert.Equal("Haaland", Assert.Single(search.Players).Name);
        Assert.Equal("Haaland", byPrice.Players[0].Name);
    }

    [Fact]
    public async Task Predictions_ForAnOlderTag_AndAnUnknownTag()
    {
        AirsenalDbBuilder.Sample(_dir.File("data.db"));

        var old = await _reports.GetPredictionsAsync(new PredictionQuery(Tag: "old-tag"), CancellationToken.None);
        var error = await Assert.ThrowsAsync<ReportUnavailableException>(() => _reports.GetPredictionsAsync(new PredictionQuery(Tag: "nope"), CancellationToken.None));

        Assert.Equal([11], old.Gameweeks);
        Assert.Equal(4, old.Total);
        Assert.Equal(ReportProblem.NoData, error.Problem);
    }

    [Theory]
    [InlineData(0, 50, "total_points", null, "page")]
    [InlineData(1, 0, "total_points", null, "page_size")]
    [InlineData(1, 50, "bogus", null, "sort")]
    [InlineData(1, 50, "price", "GKP", "position")]
    public void Query_Validation_NamesTheParameter(int page, int size, string sort, string? position, string parameter)
    {
        Assert.StartsWith(parameter, new PredictionQuery(Page: page, PageSize: size, Sort: sort, Position: position).Validate(), StringComparison.Ordinal);
        Assert.Null(new PredictionQuery().Validate());
    }

    [Fact]
    public async Task LatestSuggestion_GroupsTheNewestRunByGameweek_WithChip()
    {
        var ids = AirsenalDbBuilder.Sample(_dir.File("data.db"));

        var suggestion = await _reports.GetLatestTransferSuggestionAsync(742663, CancellationToken.None);

        Assert.Equal("2026-11-27 09:00:00", suggestion.Timestamp);
        Assert.Equal(6.6, suggestion.PointsGain);
        Assert.False(suggestion.NewSquad);
        Assert.Equal([12, 13], suggestion.Gameweeks.Select(g => g.Gameweek));
        Assert.Equal("triple_captain", suggestion.Gameweeks[0].Chip);
        Assert.Equal(ids.Raya, Assert.Single(suggestion.Gameweeks[0].Out).PlayerId);
        Assert.Equal("M.Salah", Assert.Single(suggestion.Gameweeks[0].In).Name);
    }

    [Fact]
    public async Task LatestSuggestion_PerTeam_IsNotHiddenByAnotherTeamsNewerRun()
    {
        using (var db = new AirsenalDbBuilder(_dir.File("data.db")))
        {
            var p = db.Player(1, "A B", "B", "ARS", "GK", 40, "2526", 1);
            db.Suggestion(1, p, 1, 3, 2.0, "2026-11-01 10:00:00");
            db.Suggestion(2, p, 1, 3, 5.0, "2026-11-02 10:00:00");
        }

        Assert.Equal(1, (await _reports.GetLatestTransferSuggestionAsync(1, CancellationToken.None)).FplTeamId);
        Assert.Equal(2, (await _reports.GetLatestTransferSuggestionAsync(null, CancellationToken.None)).FplTeamId);
        var none = await Assert.ThrowsAsync<ReportUnavailableException>(() => _reports.GetLatestTransferSuggestionAsync(3, CancellationToken.None));
        Assert.Equal(ReportProblem.NoData, none.Problem);
    }

    [Fact]
    public async Task Squad_AppliesTransactionsInOrder_IgnoringFreeHitRows()
    {
        var ids = AirsenalDbBuilder.Sample(_dir.File("data.db"));

        var squad = await _reports.GetSquadAsync(742663, null, CancellationToken.None);

        Assert.Equal("2526", squad.Season);
        Assert.Equal([ids.Raya, ids.Saliba, ids.Salah], squad.Players.Select(p => p.PlayerId));
        var salah = squad.Players.Single(p => p.PlayerId == ids.Salah);
        Assert.Equal((12.8, 5, 3), (salah.PurchasePrice, salah.SinceGameweek, salah.FplApiId!.Value));
    }

    [Fact]
    public async Task Squad_UnknownTeam_IsNoData()
    {
        AirsenalDbBuilder.Sample(_dir.File("data.db"));

        var error = await Assert.ThrowsAsync<ReportUnavailableException>(() => _reports.GetSquadAsync(1, null, CancellationToken.None));

        Assert.Equal(ReportProblem.NoData, error.Problem);
        Assert.Contains("update_db", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingDatabase_IsDatabaseMissing_AndTablelessDatabase_IsNoData()
    {
        var missing = await Assert.ThrowsAsync<ReportUnavailableException>(() => _reports.GetLatestPredictionTagAsync(null, CancellationToken.None));
        Assert.Equal(ReportProblem.DatabaseMissing, missing.Problem);

        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("data.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE other (x INTEGER)";
            command.ExecuteNonQuery();
        }

        var empty = await Assert.ThrowsAsync<ReportUnavailableException>(() => _reports.GetLatestPredictionTagAsync(null, CancellationToken.None));
        Assert.Equal(ReportProblem.NoData, empty.Problem);
        Assert.Contains("setup_db", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyTables_AreNoData_AndOldSchemaWithoutDisplayName_Works()
    {
        using (var db = new AirsenalDbBuilder(_dir.File("data.db"), withDisplayName: false))
        {
            var p = db.Player(7, "Old Name", null, "ARS", "MID", 50, "2223", 1);
            var f = db.Fixture(1, "ARS", "CHE", "2223");
            db.Prediction("t1", p, f, 2.5);
        }

        var page = await _reports.GetPredictionsAsync(new PredictionQuery(), CancellationToken.None);
        Assert.Equal("Old Name", Assert.Single(page.Players).Name);

        var noTag = await Assert.ThrowsAsync<ReportUnavailableException>(() => _reports.GetLatestPredictionTagAsync("2526", CancellationToken.None));
        Assert.Equal(ReportProblem.NoData, noTag.Problem);
    }
}
