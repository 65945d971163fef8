using AirsenalOps.Core.Jobs;
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
}
