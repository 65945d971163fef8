using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Tests.E2E.Support;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E;

/// <summary>The job page during a replay of the real AIrsenal 1.15 optimisation (its recorded chunks and timing, sped up).</summary>
[Collection(BrowserSuite.Name)]
public sealed class RealProgressTests : IDisposable
{
    private readonly BrowserFixture _browser;
    private readonly LiveConsole _console;

    public RealProgressTests(BrowserFixture browser)
    {
        _browser = browser;
        _console = new LiveConsole(new Dictionary<string, string?> { ["AIRSENAL_BIN_DIR"] = ReplayAirsenal.Directory });
    }

    public void Dispose() => _console.Dispose();

    [Fact]
    public async Task ReplayedOptimisation_BarMovesThroughManyPercentagesWithAnEta_AndEndsAt100()
    {
        var secrets = _console.Services.GetRequiredService<SecretsService>();
        await secrets.SetAsync("FPL_TEAM_ID", "742663", CancellationToken.None);
        // 185 s of real output in about 30 s; the bar's 27 steps stay more than a second apart on average.
        await secrets.SetAsync(ReplayAirsenal.SpeedKey, "6", CancellationToken.None);
        var job = await _console.Services.GetRequiredService<JobService>().CreateAsync("optimize", new() { ["weeks_ahead"] = 3, ["num_thread"] = 2 }, CancellationToken.None);
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console, $"/jobs/{job.Id}");

        var bar = page.GetByTestId("job-progress-bar");
        var seen = new List<string>();
        var withEta = new HashSet<string>();
        var last = string.Empty;
        while (last != "100")
        {
            // Waits for the next change of the bar (a condition, not a time).
            await Assertions.Expect(bar).Not.ToHaveAttributeAsync("data-value", last, new() { Timeout = 90_000 });
            last = await bar.GetAttributeAsync("data-value") ?? string.Empty;
            seen.Add(last);
            if (last != "100" && await page.GetByTestId("job-eta").CountAsync() == 1
                && (await page.GetByTestId("job-eta").TextContentAsync() ?? string.Empty).Contains("ETA", StringComparison.Ordinal))
            {
                withEta.Add(last);
            }
        }

        Assert.True(withEta.Count >= 5, $"percentages shown with an ETA: {string.Join(", ", withEta)} (all: {string.Join(", ", seen)})");
        Assert.Equal(seen.Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).Order(), seen.Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)));
        await Assertions.Expect(page.GetByTestId("job-status")).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("job-progress-text")).ToHaveTextAsync("100% · 27/27");
        await Screenshots.SaveAsync(page, "job-real-optimisation-completed");
    }
}
