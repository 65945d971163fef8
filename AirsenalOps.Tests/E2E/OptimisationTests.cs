using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.E2E.Support;
using AirsenalOps.Tests.Support;
using AirsenalOps.Tests.Unit.Airsenal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E;

/// <summary>The real optimiser run's whole plan in Chromium, on a phone-sized (390 px) screen.</summary>
[Collection(BrowserSuite.Name)]
public sealed class OptimisationTests(BrowserFixture browser) : IDisposable
{
    private readonly TempDirectory _airsenal = new();

    public void Dispose() => _airsenal.Dispose();

    [Fact]
    public async Task WholePlan_ReadsAt390Pixels_WithoutSidewaysScrolling()
    {
        var database = RealPlans.CopyDatabase(_airsenal, "data.db");
        using var console = new LiveConsole(new Dictionary<string, string?>
        {
            ["PERSISTENT_DB_PATH"] = database,
            // Nothing listens on port 1: the sellers check fails at once and says so.
            ["FPL_API_BASE_URL"] = "http://127.0.0.1:1/api/",
            ["FPL_API_RETRY_DELAY_MS"] = "10",
        });
        var start = RealPlans.SuggestionTime.AddMinutes(-3);
        await console.Services.GetRequiredService<IStorage>().Jobs.InsertAsync(
            RealPlans.JobRecord(RealOutput.Lines("run_optimization.stdout.txt"), start, start.AddMinutes(3).AddSeconds(2)), CancellationToken.None);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        await page.SignInAsync(console, "/optimisation");
        // The prerendered plan is replaced when the circuit renders it again: measure the live one.
        await page.GotoInteractiveAsync(console.Url("/optimisation"));

        var rows = page.GetByTestId("suggestion-gameweek");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.Nth(0).GetByTestId("transfer-out")).ToHaveTextAsync("Foden (LEE, £8.0m)");
        await Assertions.Expect(rows.Nth(1).GetByTestId("transfer-in")).ToHaveTextAsync(["Wilson (FUL, £5.8m)", "Calvert-Lewin (HUL, £5.8m)"]);
        await Assertions.Expect(rows.Nth(2).GetByTestId("gameweek-score")).ToHaveTextAsync("Predicted 88.5 pts");
        await Assertions.Expect(page.GetByTestId("plan-captain")).ToHaveTextAsync("Thiago");
        await Assertions.Expect(page.GetByTestId("warning-no-login")).ToContainTextAsync("FPL_PASSWORD");

        // Every gameweek block and its facts lie inside the 390 px screen, and the page does not scroll sideways.
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"page is {scrollWidth} px wide");
        for (var i = 0; i < 3; i++)
        {
            var box = await rows.Nth(i).BoundingBoxAsync();
            Assert.True(box is { X: >= 0 } && box.X + box.Width <= 390, $"gameweek {i} at {box?.X}+{box?.Width}");
            foreach (var transfer in await rows.Nth(i).GetByTestId("gameweek-transfer").AllAsync())
            {
                var t = await transfer.BoundingBoxAsync();
                Assert.True(t is not null && t.X + t.Width <= 390, $"transfer at {t?.X}+{t?.Width}");
            }
        }

        await Screenshots.SaveAsync(page, "optimisation-390");
    }
}
