using System.Globalization;
using AirsenalOps.Tests.E2E.Support;
using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E;

/// <summary>The same stored time reads in each browser's own zone, with the UTC time on hover.</summary>
[Collection(BrowserSuite.Name)]
public sealed class LocalTimeTests(BrowserFixture browser) : IDisposable
{
    private readonly LiveConsole _console = new();

    [Theory]
    [InlineData("Europe/London")]
    [InlineData("Asia/Tokyo")]
    public async Task AuditTimes_ReadInTheBrowsersZone_WithUtcOnHover(string zoneId)
    {
        await using var context = await browser.NewContextAsync(timezoneId: zoneId);
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console);

        await page.GotoInteractiveAsync(_console.Url("/audit"));
        // The sign-in itself is audited, so the table has at least one time.
        var time = page.GetByTestId("audit-table").Locator("span.local-time").First;
        await Assertions.Expect(time).ToHaveAttributeAsync("data-zone", zoneId);

        var utcText = await time.GetAttributeAsync("title") ?? throw new InvalidOperationException("no UTC title");
        Assert.EndsWith(" UTC", utcText, StringComparison.Ordinal);
        var utc = DateTimeOffset.ParseExact(utcText[..^4], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        var expected = local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC+" + local.Offset.Hours.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(expected, (await time.InnerTextAsync()).Trim());
    }

    public void Dispose() => _console.Dispose();
}
