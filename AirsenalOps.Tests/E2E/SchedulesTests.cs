using System.Text.RegularExpressions;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Tests.E2E.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E;

[Collection(BrowserSuite.Name)]
public sealed partial class SchedulesTests(BrowserFixture browser) : IDisposable
{
    private readonly LiveConsole _console = new();

    [Fact]
    public async Task Schedule_CreatedOnThePage_ShowsItsNextFiveRunTimes()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console);

        await page.Locator(".mud-drawer").GetByText("Schedules").ClickAsync();
        await page.WaitForURLAsync("**/schedules");
        await Assertions.Expect(page.GetByTestId("schedules-empty")).ToBeVisibleAsync();

        await page.GetByTestId("new-schedule").ClickAsync();
        await Assertions.Expect(page.GetByTestId("schedule-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("schedule-name").FillAsync("Morning predict");
        await page.GetByTestId("schedule-command").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "predict" }).First.ClickAsync();
        await page.GetByTestId("schedule-cron").FillAsync("0 6 * * *");
        await page.GetByTestId("schedule-timezone").FillAsync("Europe/London");
        await Screenshots.SaveAsync(page, "schedule-dialog");
        await page.GetByTestId("schedule-save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("schedule-row-name")).ToHaveTextAsync("Morning predict");
        await Assertions.Expect(page.GetByTestId("schedule-row-trigger")).ToHaveTextAsync("0 6 * * * (Europe/London)");
        // 06:00 in London is 06:00 UTC in winter and 05:00 UTC in summer.
        await Assertions.Expect(page.GetByTestId("schedule-next-run")).ToHaveCountAsync(5);
        foreach (var run in await page.GetByTestId("schedule-next-run").AllInnerTextsAsync())
        {
            Assert.Matches(SixInLondon(), run);
        }

        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Schedule Morning predict created.");
        await Screenshots.SaveAsync(page, "schedules");

        var stored = Assert.Single(await _console.Services.GetRequiredService<ScheduleService>().ListAsync(CancellationToken.None));
        Assert.Equal("predict", stored.Command);
        Assert.Equal("Europe/London", stored.TimeZone);
    }

    public void Dispose() => _console.Dispose();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} 0[56]:00:00 UTC(\+0)?$")]
    private static partial Regex SixInLondon();
}
