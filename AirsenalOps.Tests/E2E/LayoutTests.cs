using AirsenalOps.Tests.E2E.Support;
using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E;

[Collection(BrowserSuite.Name)]
public sealed class LayoutTests(BrowserFixture browser) : IDisposable
{
    private readonly LiveConsole _console = new();

    [Fact]
    public async Task DarkMode_IsRememberedByTheBrowser_AcrossReloads()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console);
        var toggle = page.GetByTestId("theme-toggle");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-label", "Toggle dark mode");
        await WaitForDarkAsync(page, false);

        await toggle.ClickAsync();
        await WaitForDarkAsync(page, true);
        Assert.Equal("dark", await page.EvaluateAsync<string>("() => localStorage.getItem('airsenalops.theme')"));
        await Screenshots.SaveAsync(page, "dashboard-dark");

        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.WaitForCircuitAsync();
        await WaitForDarkAsync(page, true);

        await toggle.ClickAsync();
        await WaitForDarkAsync(page, false);
        Assert.Equal("light", await page.EvaluateAsync<string>("() => localStorage.getItem('airsenalops.theme')"));
    }

    [Fact]
    public async Task Dashboard_RendersInsideTheShell_WithTheNavigationDrawer()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console);

        await Assertions.Expect(page.Locator(".mud-appbar")).ToContainTextAsync("AirsenalOps");
        await Assertions.Expect(page.Locator(".mud-drawer")).ToContainTextAsync("Dashboard");
        await Assertions.Expect(page.GetByTestId("storage-status")).ToContainTextAsync("sqlite: answering");
        await Screenshots.SaveAsync(page, "dashboard");
    }

    /// <summary>Dark means what the user sees: a dark page background, not a flag in the markup.</summary>
    private static async Task WaitForDarkAsync(IPage page, bool dark) =>
        await page.WaitForFunctionAsync(
            """
            dark => {
                const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
                return ((r + g + b) / 3 < 128) === dark;
            }
            """,
            dark);

    public void Dispose() => _console.Dispose();
}
