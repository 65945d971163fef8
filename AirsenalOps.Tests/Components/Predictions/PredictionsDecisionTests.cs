using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.Integration.Team;
using AirsenalOps.Web.Components.Pages.Predictions;
using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Components.Predictions;

/// <summary>
/// The predictions page on the database the real AIrsenal 1.15 left after predict and optimise (season 2627,
/// one run for GW21–23, team 742663): what a manager decides with.
/// </summary>
public sealed class PredictionsDecisionTests : CoreTestContext
{
    private static string RealDb => Path.Combine(AppContext.BaseDirectory, "Fixtures", "airsenal-real", "data-after-optimisation.db");

    protected override void ConfigureCore(IServiceCollection services) =>
        services.AddSingleton<ISecretReader>(new StaticSecrets(new Dictionary<string, string> { ["FPL_TEAM_ID"] = "742663" }));

    private void CopyRealDatabase()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Core.AirsenalDbPath)!);
        File.Copy(RealDb, Core.AirsenalDbPath);
    }

    private IRenderedComponent<PredictionsPage> RenderSearch(string name)
    {
        var page = Render<PredictionsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=predictions-table] tbody tr [data-testid=prediction-player]")), Patience);
        var search = page.FindComponent<MudBlazor.MudTextField<string>>();
        page.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync(name)).GetAwaiter().GetResult();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=predictions-table] tbody tr")), Patience);
        return page;
    }

    [Fact]
    public void Run_IsLabelledByGameweeksSeasonAndTheJobThatWroteIt_NotByItsTag()
    {
        CopyRealDatabase();

        var unknown = Render<PredictionsPage>();
        unknown.WaitForAssertion(() => Assert.Contains("GW21–23", unknown.Find("[data-testid=prediction-tag]").TextContent, StringComparison.Ordinal), Patience);
        var label = unknown.Find("[data-testid=prediction-tag]");
        Assert.Contains("season 2026/27", label.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("5765c1d6", label.TextContent, StringComparison.Ordinal);
        Assert.Contains("5765c1d6", label.GetAttribute("title"), StringComparison.Ordinal);
        Assert.Contains("run date unknown", unknown.Find("[data-testid=prediction-run-date]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDate_ComesFromTheNewestFinishedPredictJob()
    {
        CopyRealDatabase();
        var done = new DateTimeOffset(2026, 12, 5, 9, 14, 3, TimeSpan.Zero);
        var job = await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Completed, done.AddMinutes(-20)) with { StartedAt = done.AddMinutes(-20), CompletedAt = done });

        var page = Render<PredictionsPage>();

        page.WaitForAssertion(() => Assert.Contains("run 2026-12-05 09:14:03 UTC", page.Find("[data-testid=prediction-run-date]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal($"jobs/{job.Id}", page.Find("[data-testid=prediction-run-date] a").GetAttribute("href"));
    }

    [Fact]
    public void EachGameweek_ShowsTheOpponentHomeOrAway_WithItsDifficulty_AndPointsPerMillion()
    {
        CopyRealDatabase();

        var page = RenderSearch("Haaland");

        var cells = page.FindAll("[data-testid=prediction-cell]");
        Assert.Equal(["21", "22", "23"], cells.Select(c => c.GetAttribute("data-gameweek")));
        // GW21 LEE v CHE, GW22 LIV v LEE, GW23 LEE v SUN; CHE 1.40 and LIV 1.55 points a game (band 3), SUN 0.30 (band 1).
        var fixtures = page.FindAll("[data-testid=fixture]");
        Assert.Equal(["CHE (H)", "LIV (A)", "SUN (H)"], fixtures.Select(f => f.TextContent.Trim()));
        Assert.Equal(["3", "3", "1"], fixtures.Select(f => f.GetAttribute("data-difficulty")));
        // One decimal everywhere; 22.569 points over £14.7m.
        Assert.Matches(@"^\d+\.\d$", cells[0].QuerySelector("div")!.TextContent.Trim());
        Assert.Equal("1.54", page.Find("[data-testid=points-per-million]").TextContent.Trim());
        Assert.Contains("22.6", page.Find("[data-testid=predictions-table] tbody").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void OwnSquad_IsMarked_AndOthersAreNot()
    {
        CopyRealDatabase();

        var page = RenderSearch("Haaland");
        Assert.Single(page.FindAll("[data-testid=own-player]"));
        Assert.Contains("own-player-row", page.Find("[data-testid=predictions-table] tbody tr").ClassName, StringComparison.Ordinal);
        Assert.Contains("team 742663", page.Find("[data-testid=own-squad]").TextContent, StringComparison.Ordinal);

        var other = RenderSearch("Lavia");
        Assert.Empty(other.FindAll("[data-testid=own-player]"));
    }

    [Fact]
    public void AvailabilityFlag_ShowsTheChanceAndTheNewsText()
    {
        CopyRealDatabase();

        var page = RenderSearch("Lavia");

        Assert.Equal("75% chance", page.Find("[data-testid=availability-flag]").TextContent.Trim());
        Assert.Equal("Knock - 75% chance of playing", page.Find("[data-testid=availability-news]").TextContent.Trim());
        Assert.Empty(RenderSearch("Haaland").FindAll("[data-testid=availability-flag]"));
    }

    [Fact]
    public void NoFinishedGameweekInTheRun_SaysActualPointsComeLater()
    {
        CopyRealDatabase();

        var page = Render<PredictionsPage>();

        page.WaitForAssertion(() => Assert.Contains("None of GW21–23 has been played yet", page.Find("[data-testid=prediction-accuracy]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=actual-points]"));
    }

    [Fact]
    public void FinishedGameweek_ShowsPredictedAgainstScored()
    {
        CopyRealDatabase();
        // A newer run that covers GW20, whose scores update_db has already written: Haaland scored 2 against COV.
        using (var connection = new SqliteConnection($"Data Source={Core.AirsenalDbPath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO player_prediction (fixture_id, predicted_points, tag, player_id) VALUES (200, 6.5, 'gw20-run', 526), (200, 4.25, 'gw20-run', 513)";
            command.ExecuteNonQuery();
        }

        var page = RenderSearch("Haaland");

        Assert.Equal("scored 2", page.Find("[data-testid=actual-points]").TextContent.Trim());
        var gw20 = page.Find("[data-testid=accuracy-gameweek]");
        Assert.Equal("20", gw20.GetAttribute("data-gameweek"));
        // Haaland 6.5 vs 2, Foden 4.25 vs 2: predicted 10.8 (10.75), scored 4, off by 3.4 (3.375) on average.
        Assert.Contains("predicted 10.8, scored 4.0 over 2 players", gw20.TextContent, StringComparison.Ordinal);
        Assert.Contains("off by 3.4 points", gw20.TextContent, StringComparison.Ordinal);
    }
}
