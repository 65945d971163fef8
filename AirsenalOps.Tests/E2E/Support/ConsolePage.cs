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

    /// <summary>Blazor marks the document once the circuit is connected and interactive.</summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('[data-circuit-ready]') !== null");
}
