using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.Unit.Airsenal;
using AirsenalOps.Tests.Unit.Reports;
using AirsenalOps.Web.Components.Pages.Optimisation;
using Bunit;

namespace AirsenalOps.Tests.Components.Optimisation;

/// <summary>The optimisation page's lineup: it comes from the newest finished job's parsed printout.</summary>
public sealed class OptimisationLineupTests : CoreTestContext
{
    protected override void ConfigureCore(Microsoft.Extensions.DependencyInjection.IServiceCollection services) => OptimisationPageTests.AddOfflineTeam(services);

    private async Task<JobRecord> AddFinishedAsync(string command, string fixture, DateTimeOffset finished, JobStatus status = JobStatus.Completed) =>
        await Core.AddJobAsync(CoreServices.NewJob(command, status, finished.AddMinutes(-5)) with
        {
            CompletedAt = finished,
            Output = AirsenalOutputParser.Parse(command, Fixture.Lines(fixture), finished),
        });

    [Fact]
    public void NoFinishedOptimisation_SaysWhereTheLineupWillComeFrom()
    {
        var page = Render<OptimisationPage>();

        page.WaitForAssertion(() => Assert.Contains("No finished optimisation", page.Find("[data-testid=lineup-none]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=pitch]"));
    }

    [Fact]
    public async Task LatestOptimisation_PutsItsLineupOnThePitch_WithCaptaincyAndTheBenchInOrder()
    {
        var now = DateTimeOffset.UtcNow;
        await AddFinishedAsync("optimize", "optimise-legacy.txt", now.AddHours(-2));
        var job = await AddFinishedAsync("optimize", "optimise-current.txt", now.AddHours(-1));
        // A failed run is never "the latest result", whatever it printed.
        await AddFinishedAsync("optimize", "optimise-legacy.txt", now, JobStatus.Failed);

        var page = Render<OptimisationPage>();

        page.WaitForAssertion(() => Assert.Equal(15, page.FindAll("[data-testid=pitch-player]").Count), Patience);
        Assert.Equal(["GK", "DEF", "MID", "FWD"], page.FindAll(".pitch-row").Select(r => r.GetAttribute("data-row")));
        Assert.Equal(["Pickford", "Sánchez", "Smith, Jr.", "Gabriel"], page.Find("[data-testid=bench]").QuerySelectorAll(".pitch-name").Select(n => n.TextContent));
        Assert.Contains("M.Salah", page.Find("[data-testid=captain]").Closest("[data-testid=pitch-player]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Saka", page.Find("[data-testid=vice-captain]").Closest("[data-testid=pitch-player]")!.TextContent, StringComparison.Ordinal);
        var source = page.Find("[data-testid=lineup-source]");
        Assert.Contains("current printout", source.TextContent, StringComparison.Ordinal);
        Assert.Contains("gameweek 12", source.TextContent, StringComparison.Ordinal);
        Assert.Equal($"jobs/{job.Id}", source.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task LegacyPrintout_IsShownToo_WithFullNames()
    {
        await AddFinishedAsync("optimize", "optimise-legacy.txt", DateTimeOffset.UtcNow);

        var page = Render<OptimisationPage>();

        page.WaitForAssertion(() => Assert.Contains("legacy printout", page.Find("[data-testid=lineup-source]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Contains("Mohamed Salah", page.Find("[data-testid=captain]").Closest("[data-testid=pitch-player]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(4, page.Find("[data-testid=bench]").QuerySelectorAll("[data-testid=pitch-player]").Length);
    }

    [Fact]
    public async Task NewestResultWithoutALineup_SaysItCarriesNone()
    {
        await AddFinishedAsync("optimize", "optimise-current.txt", DateTimeOffset.UtcNow.AddHours(-1));
        await AddFinishedAsync("pipeline", "pipeline.txt", DateTimeOffset.UtcNow);

        var page = Render<OptimisationPage>();

        page.WaitForAssertion(() => Assert.Contains("No starting XI was found", page.Find("[data-testid=lineup-missing]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Contains("pipeline", page.Find("[data-testid=lineup-source]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=pitch]"));
    }

    [Fact]
    public async Task NewSquad_ShowsPricesFromTheSquadList_AndBenchPositions()
    {
        await AddFinishedAsync("make_squad", "make-squad.txt", DateTimeOffset.UtcNow);

        var page = Render<OptimisationPage>();

        page.WaitForAssertion(() => Assert.Equal(15, page.FindAll("[data-testid=pitch-player]").Count), Patience);
        Assert.Contains("£12.5m", page.Find("[data-testid=captain]").Closest("[data-testid=pitch-player]")!.TextContent, StringComparison.Ordinal);
        var firstSub = page.Find("[data-testid=bench] [data-testid=pitch-player]").TextContent;
        Assert.Matches(@"1\. (GK|DEF|MID|FWD)", firstSub);
    }

    [Fact]
    public async Task RealMakeSquad_StoredByAnOlderParserWithoutItsLineup_IsReadAgain_AndShowsTheSquadsExpectedPoints()
    {
        // What the parser stored before the real bare block was known: the squad, but no XI.
        var stdout = RealOutput.Lines("make_squad.stdout.txt");
        var parsed = SquadParser.Parse(stdout)! with { StartingLineup = [], Bench = [], Captain = null, ViceCaptain = null };
        var job = await Core.AddJobAsync(CoreServices.NewJob("make_squad", JobStatus.Completed, DateTimeOffset.UtcNow.AddMinutes(-5)) with
        {
            CompletedAt = DateTimeOffset.UtcNow,
            Output = OutputText.ToJsonObject(parsed),
        });
        await Core.AddLinesAsync(job.Id, stdout);
        // make_squad stores its 15 buys with points_gain = the squad's expected points for the next gameweek.
        using (var db = new AirsenalDbBuilder(Core.AirsenalDbPath))
        {
            foreach (var (member, i) in parsed.Squad.Select((m, i) => (m, i)))
            {
                db.Suggestion(742663, db.Player(500 + i, member.Name, member.Name, member.Team, member.Position, (int)(member.Price * 10), "2627", 21), 1, 21, 55.35, "2026-12-07 12:10:00.5", season: "2627");
            }
        }

        var page = Render<OptimisationPage>();

        page.WaitForAssertion(() => Assert.Equal(15, page.FindAll("[data-testid=pitch-player]").Count), Patience);
        Assert.Empty(page.FindAll("[data-testid=lineup-missing]"));
        Assert.Contains("Thiago", page.Find("[data-testid=captain]").Closest("[data-testid=pitch-player]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("B.Fernandes", page.Find("[data-testid=vice-captain]").Closest("[data-testid=pitch-player]")!.TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal("55.35", page.Find("[data-testid=squad-expected-points]").TextContent), Patience);
        var summary = page.Find("[data-testid=suggestion]").TextContent;
        Assert.Contains("expected points for GW21", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("gain", summary, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(page.FindAll("[data-testid=points-gain]"));
    }
}
