using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.E2E.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E;

/// <summary>
/// The page path: actions done in a real browser, on the circuit, are recorded with the signed-in admin and
/// the browser's address, like API requests; the Audit page shows them.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class AuditTests(BrowserFixture browser) : IDisposable
{
    private readonly LiveConsole _console = new();

    [Fact]
    public async Task SignInAndASecretSetOnTheSettingsPage_AreRecorded_WithTheAdminAndTheBrowsersAddress()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(_console);

        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        var row = page.GetByTestId("secret-" + SecretKeys.FplLeagueId);
        await row.GetByTestId("secret-input").FillAsync("7654321");
        await row.GetByTestId("secret-save").ClickAsync();
        await Assertions.Expect(row.GetByTestId("secret-state")).ToHaveTextAsync("set");

        var storage = _console.Services.GetRequiredService<IStorage>();
        var set = (await storage.Audit.ListAsync(new AuditQuery(AuditAction.SecretSet), CancellationToken.None)).Single(e => e.Target == SecretKeys.FplLeagueId);
        var login = (await storage.Audit.ListAsync(new AuditQuery(AuditAction.LoginSucceeded), CancellationToken.None))[0];
        Assert.Equal(LiveConsole.AdminEmail, set.Actor);
        Assert.Equal("127.0.0.1", set.Client.Replace("::ffff:", string.Empty, StringComparison.Ordinal));
        Assert.Equal(LiveConsole.AdminEmail, login.Actor);
        Assert.Equal("127.0.0.1", login.Client.Replace("::ffff:", string.Empty, StringComparison.Ordinal));

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit-table")).ToContainTextAsync(SecretKeys.FplLeagueId);
        await Assertions.Expect(page.GetByTestId("audit-table")).ToContainTextAsync("login_succeeded");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("7654321");
        await Screenshots.SaveAsync(page, "audit");
    }

    public void Dispose() => _console.Dispose();
}
