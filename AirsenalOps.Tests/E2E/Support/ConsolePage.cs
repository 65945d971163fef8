using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E.Support;

/// <summary>Waits that a Blazor Server page needs before a browser can click it.</summary>
public static class ConsolePage
{
    /// <summary>
    /// Opens <paramref name="url"/> and waits until the circuit is up: before that the prerendered
    /// HTML is visible but its buttons do nothing.
    /// </summary>
    public static async Task GotoInteractiveAsync(this IPage page, string url)
    {
        await page.GotoAsync(url);
        await page.WaitForCircuitAsync();
    }

    /// <summary>Signs in through the login form and waits for the page it leads to.</summary>
    public static async Task SignInAsync(this IPage page, LiveConsole console, string returnPath = "/")
    {
        await page.GotoAsync(console.Url("/login?returnUrl=" + Uri.EscapeDataString(returnPath)));
        await page.WaitForAuthPageAsync();
        // On a loaded machine the circuit can connect after the fields were filled and re-render them
        // empty, so the post goes nowhere: fill and submit again, a few times at most (the login
        // throttle allows five failures).
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator("[data-testid=login-form] input[name=email]").FillAsync(LiveConsole.AdminEmail);
            await page.Locator("[data-testid=login-form] input[name=password]").FillAsync(LiveConsole.AdminPassword);
            await page.GetByTestId("login-submit").ClickAsync();
            try
            {
                await page.WaitForURLAsync(
                    url => !url.Contains("/login", StringComparison.Ordinal),
                    new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 15_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                await page.WaitForAuthPageAsync();
            }
            catch (TimeoutException)
            {
                await Screenshots.SaveAsync(page, "sign-in-failed");
                throw new TimeoutException("Sign-in did not leave the login page; it shows: " + await page.Locator("body").InnerTextAsync());
            }
        }

        await page.WaitForCircuitAsync();
    }

    /// <summary>
    /// The sign-in pages have their own layout without the circuit marker: wait until the page stopped
    /// loading (the circuit connected), so a re-render cannot wipe what is typed next.
    /// </summary>
    public static async Task WaitForAuthPageAsync(this IPage page)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.Locator("form[method=post]").First.WaitForAsync();
    }

    /// <summary>Blazor marks the document once the circuit is connected and interactive.</summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('[data-circuit-ready]') !== null");
}
