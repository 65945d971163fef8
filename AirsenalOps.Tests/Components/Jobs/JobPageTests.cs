using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Pages.Jobs;
using Bunit;
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
                Assert.Contains("purged by retention on 2026-11-01 03:00 UTC", text, StringComparison.Ordinal);
                Assert.Contains("LOG_RETENTION_DAYS", text, StringComparison.Ordinal);
                Assert.Contains("1,234 lines", text, StringComparison.Ordinal);
            },
            Patience);
        var other = Render<JobPage>(p => p.Add(x => x.Id, plain.Id));
        other.WaitForAssertion(() => Assert.Equal("predict", other.Find("[data-testid=job-title]").TextContent.Trim()), Patience);
        Assert.Empty(other.FindAll("[data-testid=job-logs-purged]"));
    }
}
