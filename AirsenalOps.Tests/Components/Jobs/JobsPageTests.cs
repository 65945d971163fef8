using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Pages.Jobs;
using Bunit;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Jobs;

public sealed class JobsPageTests : CoreTestContext
{
    [Fact]
    public void NoJobs_ShowsTheEmptyState()
    {
        var page = Render<JobsPage>();

        page.WaitForAssertion(() => Assert.Contains("No jobs yet", page.Find("[data-testid=jobs-empty]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task Jobs_AreListedNewestFirst_WithStatusAttemptAndNextRetry()
    {
        var started = Core.Clock.GetUtcNow().AddMinutes(-5);
        await Core.AddJobAsync(CoreServices.NewJob("update_db", JobStatus.Completed, started.AddMinutes(-10)) with
        {
            StartedAt = started.AddMinutes(-10),
            CompletedAt = started.AddMinutes(-8),
            Attempts = [new JobAttempt(1, started.AddMinutes(-10), started.AddMinutes(-8), 0, "completed", null)],
        });
        await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Pending, started) with
        {
            Parameters = new() { ["weeks_ahead"] = 3 },
            RetryCount = 1,
            StartedAt = started,
            NextAttemptAt = Core.Clock.GetUtcNow().AddMinutes(10),
            Attempts = [new JobAttempt(1, started, started.AddMinutes(1), 1, "failed", "Exited with code 1.")],
        });

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count), Patience);
        var first = page.FindAll("tbody tr")[0];
        Assert.Equal("retrying", first.QuerySelector("[data-testid=job-status]")!.GetAttribute("data-status"));
        Assert.Contains("weeks_ahead=3", first.TextContent, StringComparison.Ordinal);
        Assert.Contains("1/4", first.TextContent, StringComparison.Ordinal);
        Assert.Contains("in 9m", first.TextContent, StringComparison.Ordinal);
        var second = page.FindAll("tbody tr")[1];
        Assert.Equal("completed", second.QuerySelector("[data-testid=job-status]")!.GetAttribute("data-status"));
        Assert.Contains("2m 00s", second.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewJobs_AppearLive_WithoutReloading()
    {
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=jobs-empty]"), Patience);

        await Core.Jobs.CreateAsync("predict", null, CancellationToken.None);

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr [data-testid=job-status]")), Patience);
    }

    [Fact]
    public async Task StatusFilter_ListsOnlyThatStatus()
    {
        await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Failed));
        await Core.AddJobAsync(CoreServices.NewJob("optimize", JobStatus.Completed));
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr [data-testid=job-status]").Count), Patience);

        var select = page.FindComponent<MudSelect<JobStatus?>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(JobStatus.Failed));

        page.WaitForAssertion(() => Assert.Equal(["failed"], page.FindAll("tbody tr [data-testid=job-status]").Select(c => c.GetAttribute("data-status"))), Patience);
    }

    [Fact]
    public void Attempt_CountsTheRunningAttempt()
    {
        var job = CoreServices.NewJob(status: JobStatus.Running) with { MaxRetries = 2 };

        Assert.Equal("1/3", JobsPage.Attempt(job));
        Assert.Equal("–", JobsPage.Attempt(CoreServices.NewJob()));
    }
}
