using AirsenalOps.Core.Secrets;
using AirsenalOps.Tests.E2E.Support;
using AirsenalOps.Tests.Integration.Team;
using AirsenalOps.Tests.Support;
using AirsenalOps.Tests.Unit.Reports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E;

/// <summary>The team page in Chromium: the live team from the stub FPL server (recorded-shape JSON) on the pitch.</summary>
[Collection(BrowserSuite.Name)]
public sealed class TeamTests(BrowserFixture browser) : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _airsenal = new();
    private FplStubServer _fpl = null!;
    private LiveConsole _console = null!;

    public async Task InitializeAsync()
    {
        _fpl = await FplStubServer.StartAsync();
        var database = _airsenal.File("data.db");
        // AIrsenal's squad lags one transfer behind FPL: it still has Ødegaard where the live team has Wood.
        using (var db = new AirsenalDbBuilder(database))
        {
            foreach (var fplId in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15 })
            {
                db.Transaction(742663, db.Player(fplId, $"Player {fplId}", null, "ARS", "MID", 50, "2526", 12), 1, 1, 50);
            }

            db.Transaction(742663, db.Player(99, "Martin Ødegaard", "Ødegaard", "ARS", "MID", 80, "2526", 12), 1, 1, 80);
        }

        _console = new LiveConsole(new Dictionary<string, string?>
        {
            ["FPL_API_BASE_URL"] = _fpl.BaseUrl,
            ["FPL_API_RETRY_DELAY_MS"] = "10",
            ["PERSISTENT_DB_PATH"] = database,
        });
    }

    public async Task DisposeAsync() => await _fpl.DisposeAsync();

    public void Dispose()
    {
        _console.Dispose();
        _airsenal.Dispose();
    }

    [Fact]
    public async Task TeamPage_RendersTheLiveTeamOnThePitch_WithTheDifferenceFromAirsenalHighlighted()
    {
        await _console.Services.GetRequiredService<SecretsService>().SetAsync("FPL_TEAM_ID", "742663", CancellationToken.None);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console);

        await page.Locator(".mud-drawer").GetByText("Team", new() { Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/team", StringComparison.Ordinal));

        await Assertions.Expect(page.GetByTestId("pitch-player")).ToHaveCountAsync(15);
        await Assertions.Expect(page.Locator(".pitch-row[data-row=FWD] [data-testid=pitch-player]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("bench").Locator(".pitch-name")).ToHaveTextAsync(["Pickford", "O'Reilly", "Cash", "Sánchez"]);
        await Assertions.Expect(page.GetByTestId("captain").Locator("xpath=ancestor::*[@data-testid='pitch-player']")).ToContainTextAsync("M.Salah");
        await Assertions.Expect(page.GetByTestId("team-heading")).ToContainTextAsync("Ödegaard's Eleven");
        await Assertions.Expect(page.GetByTestId("stat-value")).ToContainTextAsync("£101.2m");
        await Assertions.Expect(page.Locator(".pitch-card-highlight")).ToContainTextAsync("Wood");
        await Assertions.Expect(page.GetByTestId("only-in-airsenal")).ToContainTextAsync("Ødegaard");
        // The pitch is drawn, not just present: its cards are laid out in rows with real size.
        var box = await page.GetByTestId("pitch").BoundingBoxAsync();
        Assert.True(box is { Width: > 300, Height: > 300 }, $"pitch box {box?.Width}x{box?.Height}");
        await Screenshots.SaveAsync(page, "team");

        await page.GetByTestId("team-refresh").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Team refreshed from FPL.");
        Assert.Equal(2, _fpl.Count("/api/entry/742663/event/12/picks/"));
    }
}
