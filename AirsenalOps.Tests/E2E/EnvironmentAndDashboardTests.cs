using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.E2E.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E;

[Collection(BrowserSuite.Name)]
public sealed class EnvironmentAndDashboardTests : IDisposable
{
    private readonly BrowserFixture _browser;
    private readonly E2EAirsenal _airsenal = new();
    private readonly LiveConsole _console;

    public EnvironmentAndDashboardTests(BrowserFixture browser)
    {
        _browser = browser;
        _console = new LiveConsole(new Dictionary<string, string?>
        {
            ["AIRSENAL_BIN_DIR"] = _airsenal.BinDir,
            // FPL is a closed port (the test consoles' default): the dashboard must say it is unreachable,
            // not invent a deadline; quick retries keep that short.
            ["FPL_API_RETRY_DELAY_MS"] = "10",
            ["FPL_API_TIMEOUT_SECONDS"] = "2",
        });
    }

    [Fact]
    public async Task Environment_ShowsTheChecks_StartsSetupDb_AndTheDashboardShowsItsRun()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console, "/environment");

        await Assertions.Expect(page.GetByTestId("check-cli")).ToContainTextAsync("AIrsenal 1.9.0-e2e");
        await Assertions.Expect(page.GetByTestId("check-database")).ToHaveAttributeAsync("data-state", "failed");
        await Assertions.Expect(page.GetByTestId("check-secret-FPL_TEAM_ID")).ToContainTextAsync("What to do: Set FPL_TEAM_ID");
        await Assertions.Expect(page.GetByTestId("no-backups")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "environment");

        await ClickUntilQueuedAsync(page.GetByTestId("start-setup-db"), "setup_db");
        await page.WaitForURLAsync("**/jobs/*");
        await Assertions.Expect(page.GetByTestId("job-title")).ToHaveTextAsync("setup_db");

        await page.GotoInteractiveAsync(_console.Url("/"));
        await Assertions.Expect(page.Locator("[data-testid=last-run][data-command=setup_db]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("deadline-unreachable")).ToContainTextAsync("FPL is unreachable");
        await Assertions.Expect(page.GetByTestId("no-optimisation")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "dashboard-overview");

        await page.GotoInteractiveAsync(_console.Url("/settings"));
        await Assertions.Expect(page.Locator("[data-testid=setting-JWT_SECRET] [data-testid=setting-value]")).ToHaveTextAsync("set");
        await Assertions.Expect(page.Locator("[data-testid=setting-FPL_API_RETRY_DELAY_MS] [data-testid=setting-value]")).ToHaveTextAsync("10");
        Assert.DoesNotContain(LiveConsole.JwtSecret, await page.ContentAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "settings-configuration");
    }

    /// <summary>
    /// Clicks until the job is in the store. A click was once lost on a loaded machine (no job, no
    /// navigation); a second click is allowed, but the job page must still open for the job that exists.
    /// </summary>
    private async Task ClickUntilQueuedAsync(ILocator button, string command)
    {
        var jobs = _console.Services.GetRequiredService<JobService>();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await button.ClickAsync();
            for (var waited = 0; waited < 150; waited++)
            {
                if ((await jobs.ListAsync(new JobFilter(null, command, 0, 1), CancellationToken.None)).Count > 0)
                {
                    return;
                }

                await Task.Delay(100);
            }
        }

        Assert.Fail($"Clicking twice queued no {command} job.");
    }


    public void Dispose()
    {
        _console.Dispose();
        _airsenal.Dispose();
    }
}
