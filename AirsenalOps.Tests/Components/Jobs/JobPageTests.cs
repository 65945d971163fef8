using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Pages.Jobs;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Jobs;

/// <summary>What one job's page shows: its actions' dialogs, its failure banner, its retry decision.</summary>
public sealed class JobPageTests : CoreTestContext
{
    [Fact]
    public async Task CancelDialog_SaysKeepRunning_OrCancelJob_AndKeepRunningLeavesTheJobRunning()
    {
        var job = await Core.AddJobAsync(CoreServices.NewJob("optimize", JobStatus.Running) with { StartedAt = Core.Clock.GetUtcNow() });
        var dialogs = Render<MudDialogProvider>();
        var page = Render<JobPage>(p => p.Add(x => x.Id, job.Id));

        page.WaitForAssertion(() => Assert.Equal("Cancel job", page.Find("[data-testid=job-cancel]").TextContent.Trim()), Patience);
        page.Find("[data-testid=job-cancel]").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("Keep running", dialogs.Find("[data-testid=confirm-cancel]").TextContent.Trim()), Patience);
        Assert.Equal("Cancel job", dialogs.Find("[data-testid=confirm-ok]").TextContent.Trim());
        dialogs.Find("[data-testid=confirm-cancel]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=confirm-dialog]")), Patience);
        Assert.Equal(JobStatus.Running, (await Core.Jobs.GetAsync(job.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task FailedJob_ShowsTheExplainingLine_AndThatItWasNotRetried_WithTheReason()
    {
        var job = await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Failed) with
        {
            StartedAt = Core.Clock.GetUtcNow().AddMinutes(-2),
            CompletedAt = Core.Clock.GetUtcNow(),
            MaxRetries = 3,
            ExitCode = 1,
            Error = "KeyError: 'element_type'",
            WillRecur = FailureRule.Reason(FailureKind.Code),
        });

        var page = Render<JobPage>(p => p.Add(x => x.Id, job.Id));

        page.WaitForAssertion(() => Assert.Equal("KeyError: 'element_type'", page.Find("[data-testid=job-error-text]").TextContent.Trim()), Patience);
        Assert.Equal($"Not retried: the error will recur: {FailureRule.Reason(FailureKind.Code)}.", page.Find("[data-testid=job-not-retried]").TextContent.Trim());
    }

    [Fact]
    public async Task WaitingRetry_CountsRetries_AsTheLogDoes()
    {
        var job = await Core.AddJobAsync(CoreServices.NewJob("update_db", JobStatus.Pending) with
        {
            StartedAt = Core.Clock.GetUtcNow().AddMinutes(-1),
            RetryCount = 1,
            MaxRetries = 3,
            NextAttemptAt = Core.Clock.GetUtcNow().AddMinutes(5),
            Error = "requests.exceptions.ConnectionError: Max retries exceeded",
        });

        var page = Render<JobPage>(p => p.Add(x => x.Id, job.Id));

        page.WaitForAssertion(() => Assert.StartsWith("Retry 1 of 3 runs in", page.Find("[data-testid=job-next-retry]").TextContent.Trim(), StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=job-not-retried]"));
    }

    [Fact]
    public async Task RunAgain_OnAFinishedJob_QueuesTheSameCommandAndParameters_AndOpensIt()
    {
        var job = await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Completed) with
        {
            Parameters = new() { ["weeks_ahead"] = 2 },
            StartedAt = Core.Clock.GetUtcNow().AddMinutes(-3),
            CompletedAt = Core.Clock.GetUtcNow(),
        });
        var dialogs = Render<MudDialogProvider>();
        var page = Render<JobPage>(p => p.Add(x => x.Id, job.Id));

        page.WaitForAssertion(() => page.Find("[data-testid=job-run-again]").Click(), Patience);
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-ok]").Click(), Patience);

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        page.WaitForAssertion(() => Assert.Matches("/jobs/[0-9a-f-]{36}$", navigation.Uri), Patience);
        var again = (await Core.Jobs.ListAsync(new JobFilter(JobStatus.Pending), CancellationToken.None)).Single();
        Assert.NotEqual(job.Id, again.Id);
        Assert.EndsWith("/jobs/" + again.Id, navigation.Uri, StringComparison.Ordinal);
        Assert.Equal(("predict", """{"weeks_ahead":2}"""), (again.Command, again.Parameters.ToJsonString()));
        Assert.Equal(Core.Jobs.Options.MaxJobRetries, again.MaxRetries);
    }

    [Fact]
    public async Task JobStartedByASchedule_SaysSo_WithALinkToSchedules()
    {
        var id = await new AirsenalOps.Core.Schedules.EngineScheduledJobs(Core.Jobs).StartAsync("predict", [], new ScheduleMark("s-1", "Weekly chain"), CancellationToken.None);

        var page = Render<JobPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() => Assert.Equal("Weekly chain", page.Find("[data-testid=job-schedule]").TextContent.Trim()), Patience);
        Assert.Equal("schedules", page.Find("[data-testid=job-schedule]").GetAttribute("href"));
        var list = Render<JobsPage>();
        list.WaitForAssertion(() => Assert.Contains("Weekly chain", list.Find("tbody tr [data-testid=job-schedule]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task ManualJob_SaysAManualRun_AndHasNoScheduleMark()
    {
        var job = await Core.Jobs.CreateAsync("predict", null, CancellationToken.None);

        var page = Render<JobPage>(p => p.Add(x => x.Id, job.Id));

        page.WaitForAssertion(() => Assert.Equal("a manual run", page.Find("[data-testid=job-started-by]").TextContent.Trim()), Patience);
        Assert.Empty(page.FindAll("[data-testid=job-schedule]"));
    }

    [Fact]
    public async Task DurationChart_PlotsTheCommandsCompletedRuns_OnePointEach()
    {
        var now = Core.Clock.GetUtcNow();
        for (var i = 1; i <= 3; i++)
        {
            await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Completed, now.AddHours(-i)) with { StartedAt = now.AddHours(-i), CompletedAt = now.AddHours(-i).AddMinutes(i) });
        }

        await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Failed, now) with { StartedAt = now, CompletedAt = now.AddMinutes(9) });

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => Assert.True(page.FindComponents<MudChart<double>>().Count == 1, page.Find("[data-testid=duration-chart]").TextContent), Patience);
        var chart = page.FindComponent<MudChart<double>>().Instance;
        // Oldest first: the run 3 hours ago took 3 minutes.
        Assert.Equal([3d, 2d, 1d], chart.ChartSeries.Single().Data.Values);
        Assert.Equal(3, chart.ChartLabels.Length);
    }

    [Fact]
    public async Task APurgedJob_SaysItsLinesWerePurgedByRetention_WhenAndByWhichRule_AndStillShowsItsOutput()
    {
        var job = await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Completed) with
        {
            CompletedAt = Core.Clock.GetUtcNow(),
            Output = new System.Text.Json.Nodes.JsonObject { ["type"] = "text", ["summary_text"] = "kept output" },
            LogsPurged = new JobLogsPurged(new DateTimeOffset(2026, 11, 1, 3, 0, 0, TimeSpan.Zero), "age", 1234),
        });
        var plain = await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Completed) with { CompletedAt = Core.Clock.GetUtcNow() });

        var page = Render<JobPage>(p => p.Add(x => x.Id, job.Id));

        page.WaitForAssertion(
            () =>
            {
                var text = page.Find("[data-testid=job-logs-purged]").TextContent;
                Assert.Contains("purged by retention on 2026-11-01 03:00:00 UTC", text, StringComparison.Ordinal);
                Assert.Contains("LOG_RETENTION_DAYS", text, StringComparison.Ordinal);
                Assert.Contains("1,234 lines", text, StringComparison.Ordinal);
            },
            Patience);
        var other = Render<JobPage>(p => p.Add(x => x.Id, plain.Id));
        other.WaitForAssertion(() => Assert.Equal("predict", other.Find("[data-testid=job-title]").TextContent.Trim()), Patience);
        Assert.Empty(other.FindAll("[data-testid=job-logs-purged]"));
    }
}
