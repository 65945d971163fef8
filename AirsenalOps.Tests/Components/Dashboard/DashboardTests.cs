using System.Globalization;
using System.Net;
using System.Text;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Reports;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Team;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.Unit.Reports;
using AirsenalOps.Web.Components.Pages;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Tests.Components.Dashboard;

public sealed class DashboardTests : CoreTestContext
{
    private readonly FakeFpl _fpl = new();

    protected override void ConfigureCore(IServiceCollection services)
    {
        services.AddSingleton(new HttpClient(_fpl, disposeHandler: false) { BaseAddress = new Uri("http://fpl.test/api/") });
        services.AddSingleton(new FplBootstrapCache());
        services.AddSingleton(sp => new FplClient(sp.GetRequiredService<HttpClient>(), sp.GetRequiredService<FplBootstrapCache>(), Options.Create(new FplOptions()), TimeProvider.System));
        services.AddTransient(sp => new TeamService(sp.GetRequiredService<FplClient>(), sp.GetRequiredService<AirsenalReports>(), TimeProvider.System));
    }

    [Fact]
    public void NothingRanYet_ShowsEmptyStates()
    {
        _fpl.Deadlines = [];

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("Nothing has run yet", page.Find("[data-testid=no-runs]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal("No job is running.", page.Find("[data-testid=nothing-running]").TextContent);
        Assert.Contains("database does not exist", page.Find("[data-testid=no-optimisation]").TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Contains("season is over", page.Find("[data-testid=no-deadline]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public void AirsenalDatabase_NotThere_PointsToSetup_ThenShowsSizeAndLastUpdate()
    {
        var missing = Render<Home>();
        Assert.Equal("not set up", missing.Find("[data-testid=database-status]").TextContent);
        Assert.Equal("environment", missing.Find("[data-testid=database-card] a").GetAttribute("href"));

        Directory.CreateDirectory(Path.GetDirectoryName(Core.AirsenalDbPath)!);
        File.WriteAllBytes(Core.AirsenalDbPath, new byte[3 * 1024]);
        File.SetLastWriteTimeUtc(Core.AirsenalDbPath, DateTime.UtcNow.AddHours(-2));

        var present = Render<Home>();
        Assert.Equal("3.0 KB", present.Find("[data-testid=database-status]").TextContent);
        Assert.Matches("^Last updated 2h 0[0-9]m ago", present.Find("[data-testid=database-updated]").TextContent.Trim());
    }

    [Fact]
    public async Task LastRuns_ShowTheNewestJobOfEachCommand_WithStatusWhenDurationAndLink()
    {
        var now = Core.Clock.GetUtcNow();
        var update = await Core.AddJobAsync(CoreServices.NewJob("update_db", JobStatus.Completed, now.AddMinutes(-30)) with { StartedAt = now.AddMinutes(-30), CompletedAt = now.AddMinutes(-28) });
        await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Completed, now.AddHours(-5)) with { StartedAt = now.AddHours(-5), CompletedAt = now.AddHours(-4) });
        var predict = await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Failed, now.AddMinutes(-20)) with { StartedAt = now.AddMinutes(-20), CompletedAt = now.AddMinutes(-18).AddSeconds(-55) });

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=last-run]").Count), Patience);
        var rows = page.FindAll("[data-testid=last-run]");
        Assert.Equal("predict", rows[0].GetAttribute("data-command"));
        Assert.Equal("failed", rows[0].QuerySelector("[data-testid=job-status]")!.GetAttribute("data-status"));
        Assert.Equal("1m 05s", rows[0].QuerySelector("[data-testid=last-run-duration]")!.TextContent);
        Assert.Equal($"jobs/{predict.Id}", rows[0].QuerySelector("[data-testid=last-run-link]")!.GetAttribute("href"));
        Assert.Contains("ago", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("update_db", rows[1].GetAttribute("data-command"));
        Assert.Equal("2m 00s", rows[1].QuerySelector("[data-testid=last-run-duration]")!.TextContent);
        Assert.Equal($"jobs/{update.Id}", rows[1].QuerySelector("[data-testid=last-run-link]")!.GetAttribute("href"));
    }

    [Fact]
    public async Task RunningJob_FollowsTheNotifierLive_ProgressEtaThenFinished()
    {
        var page = Render<Home>();
        page.WaitForAssertion(() => page.Find("[data-testid=nothing-running]"), Patience);
        var now = Core.Clock.GetUtcNow();
        var job = await Core.AddJobAsync(CoreServices.NewJob("optimize", JobStatus.Running, now) with { StartedAt = now, Progress = 42, Eta = now.AddMinutes(7), ProgressDone = 11, ProgressTotal = 27 });

        Core.Notifier.Publish(new JobChangedEvent(job));

        page.WaitForAssertion(() => Assert.StartsWith("42% · 11/27 · ETA ", page.Find("[data-testid=running-progress-text]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Contains(job.Eta!.Value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), page.Find("[data-testid=running-progress-text]").TextContent, StringComparison.Ordinal);
        Assert.Equal($"jobs/{job.Id}", page.Find("[data-testid=running-link]").GetAttribute("href"));
        Assert.Equal("running", page.Find("[data-testid=last-run] [data-testid=job-status]").GetAttribute("data-status"));

        Core.Notifier.Publish(new JobChangedEvent(job with { Status = JobStatus.Completed, Progress = 100, CompletedAt = now.AddMinutes(3) }));

        page.WaitForAssertion(() => page.Find("[data-testid=nothing-running]"), Patience);
        Assert.Equal("completed", page.Find("[data-testid=last-run] [data-testid=job-status]").GetAttribute("data-status"));
    }

    [Fact]
    public void NextDeadline_ComesFromTheBootstrapData()
    {
        var now = DateTimeOffset.UtcNow;
        _fpl.Deadlines = [(13, now.AddDays(-3)), (14, now.AddDays(2).AddHours(1)), (15, now.AddDays(9))];

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal("Gameweek 14", page.Find("[data-testid=deadline-gameweek]").TextContent), Patience);
        Assert.Contains(now.AddDays(2).AddHours(1).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), page.Find("[data-testid=deadline-time]").TextContent, StringComparison.Ordinal);
        Assert.Contains("UTC · in ", page.Find("[data-testid=deadline-time]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void NextDeadline_WhenFplIsUnreachable_SaysSo()
    {
        _fpl.Unreachable = true;

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("FPL is unreachable", page.Find("[data-testid=deadline-unreachable]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=deadline-gameweek]"));
    }

    [Fact]
    public void OptimisationHeadline_ShowsGainAndTransfers_FromTheReports()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Core.AirsenalDbPath)!);
        AirsenalDbBuilder.Sample(Core.AirsenalDbPath);

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal("+6.6 points", page.Find("[data-testid=headline-gain]").TextContent), Patience);
        Assert.Equal("2 transfers · GW12: 1 (triple_captain), GW13: 1", page.Find("[data-testid=headline-transfers]").TextContent);
    }

    [Fact]
    public void OptimisationHeadline_ForANewSquad_ShowsItsExpectedPointsForTheNextGameweek_NotAGain()
    {
        // make_squad's 15 buys carry the squad's expected points for GW21 in points_gain.
        using (var db = new AirsenalDbBuilder(Core.AirsenalDbPath))
        {
            for (var i = 1; i <= 15; i++)
            {
                db.Suggestion(742663, db.Player(i, $"Player {i}", null, "ARS", "MID", 50, "2627", 21), 1, 21, 55.22, "2026-12-07 12:10:00", season: "2627");
            }
        }

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal("55.22 expected points in GW21", page.Find("[data-testid=headline-squad-points]").TextContent), Patience);
        Assert.Empty(page.FindAll("[data-testid=headline-gain]"));
        Assert.Equal("A new 15-player squad", page.Find("[data-testid=headline-transfers]").TextContent);
        Assert.DoesNotContain("+55.22", page.Find("[data-testid=optimisation-headline]").TextContent, StringComparison.Ordinal);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _fpl.Dispose();
        }
    }

    /// <summary>bootstrap-static with the given deadlines, or a refused connection.</summary>
    private sealed class FakeFpl : HttpMessageHandler
    {
        public IReadOnlyList<(int Id, DateTimeOffset Deadline)> Deadlines { get; set; } = [];

        public bool Unreachable { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Unreachable)
            {
                throw new HttpRequestException("Connection refused (fpl.test:80)");
            }

            var events = string.Join(",", Deadlines.Select(d =>
                $$"""{"id":{{d.Id}},"name":"Gameweek {{d.Id}}","deadline_time":"{{d.Deadline.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}","finished":false,"is_current":false,"is_next":false}"""));
            var body = $$"""{"events":[{{events}}],"elements":[],"teams":[],"element_types":[]}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
