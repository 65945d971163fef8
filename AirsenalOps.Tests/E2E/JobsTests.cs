using AirsenalOps.Core.Jobs;
using AirsenalOps.Tests.E2E.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E;

[Collection(BrowserSuite.Name)]
public sealed class JobsTests : IDisposable
{
    private readonly BrowserFixture _browser;
    private readonly E2EAirsenal _airsenal = new();
    private readonly LiveConsole _console;

    public JobsTests(BrowserFixture browser)
    {
        _browser = browser;
        _console = new LiveConsole(new Dictionary<string, string?>
        {
            ["AIRSENAL_BIN_DIR"] = _airsenal.BinDir,
            ["MAX_JOB_RETRIES"] = "1",
            // Long enough that the page always sees the wait; the test ends it with "Retry now".
            ["JOB_RETRY_DELAY_SECONDS"] = "300",
            ["JOB_CANCEL_GRACE_SECONDS"] = "1",
        });
    }

    private JobService Jobs => _console.Services.GetRequiredService<JobService>();

    /// <summary>The AIrsenal commands that work on a team refuse to start without its id.</summary>
    private Task SetTeamIdAsync() =>
        _console.Services.GetRequiredService<AirsenalOps.Core.Secrets.SecretsService>().SetAsync("FPL_TEAM_ID", "1234567", CancellationToken.None);

    [Fact]
    public async Task Predict_StartedFromTheNewJobDialog_StreamsItsLogLive_AndCompletes()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console, "/jobs");
        await Assertions.Expect(page.GetByTestId("jobs-empty")).ToBeVisibleAsync();

        await page.GetByTestId("new-job").ClickAsync();
        await page.GetByTestId("new-job-command").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "predict" }).First.ClickAsync();
        await Screenshots.SaveAsync(page, "new-job-dialog");
        await page.GetByTestId("param-weeks_ahead").FillAsync("2");
        await page.GetByTestId("new-job-start").ClickAsync();

        await page.WaitForURLAsync("**/jobs/*");
        // Lines appear while the job is still running: the page follows the live feed.
        await Assertions.Expect(page.GetByTestId("log-pane")).ToContainTextAsync("predicting batch 3/20");
        await Assertions.Expect(page.GetByTestId("job-status")).ToHaveAttributeAsync("data-status", "running");
        await Assertions.Expect(page.GetByTestId("running-job")).ToContainTextAsync("predict");
        await Assertions.Expect(page.GetByTestId("log-pane").Locator(".ansi-fg-2.ansi-bold")).ToHaveTextAsync("Running predictions");
        await Screenshots.SaveAsync(page, "job-running");

        await Assertions.Expect(page.GetByTestId("job-status")).ToHaveAttributeAsync("data-status", "completed");
        await Assertions.Expect(page.GetByTestId("log-pane")).ToContainTextAsync("Prediction finished");
        await Assertions.Expect(page.GetByTestId("job-command-line")).ToContainTextAsync("--weeks_ahead 2");
        await Assertions.Expect(page.GetByTestId("running-job")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "job-completed");

        await page.GetByTestId("log-search").FillAsync("batch 1");
        // "batch 1/20" and "batch 10/20"..."batch 19/20".
        await Assertions.Expect(page.GetByTestId("log-match-count")).ToHaveTextAsync("11 matches");
    }

    [Fact]
    public async Task LongOptimise_Cancelled_FromTheJobPage_EndsCancelled()
    {
        await SetTeamIdAsync();
        var job = await Jobs.CreateAsync("optimize", new() { ["weeks_ahead"] = 3 }, CancellationToken.None);
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console, $"/jobs/{job.Id}");

        await Assertions.Expect(page.GetByTestId("log-pane")).ToContainTextAsync("checked strategy 5");
        await Assertions.Expect(page.GetByTestId("log-progress")).ToContainTextAsync("Total progress");
        await page.GetByTestId("job-cancel").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();

        await Assertions.Expect(page.GetByTestId("job-status")).ToHaveAttributeAsync("data-status", "cancelled");
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Cancel requested");
        await Assertions.Expect(page.GetByTestId("job-attempt-item")).ToContainTextAsync("cancelled");
        await Screenshots.SaveAsync(page, "job-cancelled");
    }

    [Fact]
    public async Task FailingJob_WaitsForItsRetry_RetryNowRunsIt_ThenFails_AndTheListShowsIt()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console, "/jobs");
        await SetTeamIdAsync();
        var job = await Jobs.CreateAsync("update_db", null, CancellationToken.None);
        await page.GotoInteractiveAsync(_console.Url($"/jobs/{job.Id}"));

        // First attempt fails; the job waits for its retry and says when it comes.
        await Assertions.Expect(page.GetByTestId("job-status")).ToHaveAttributeAsync("data-status", "retrying");
        await Assertions.Expect(page.GetByTestId("job-next-retry")).ToContainTextAsync("Retry 1 of 1");
        await Assertions.Expect(page.GetByTestId("job-give-up")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "job-retrying");

        await page.GetByTestId("job-retry").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Queued to run again");
        await Assertions.Expect(page.GetByTestId("job-status")).ToHaveAttributeAsync("data-status", "failed");
        await Assertions.Expect(page.GetByTestId("job-attempt-item")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("log-pane")).ToContainTextAsync("ConnectionError");
        await Assertions.Expect(page.GetByTestId("job-attempt")).ToHaveTextAsync("2/2");

        await page.GotoInteractiveAsync(_console.Url("/jobs"));
        await Assertions.Expect(page.GetByTestId("jobs-table").Locator("[data-status=failed]")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "jobs");
    }

    public void Dispose()
    {
        _console.Dispose();
        _airsenal.Dispose();
    }
}
