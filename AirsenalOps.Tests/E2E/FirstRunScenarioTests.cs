using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Tests.E2E.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E;

/// <summary>The first evening with the console: setup, sign in, secrets, a prediction watched live, sign out.</summary>
[Collection(BrowserSuite.Name)]
public sealed class FirstRunScenarioTests : IDisposable
{
    private const string Email = "owner@example.com";
    private const string Password = "a long first password";

    private readonly BrowserFixture _browser;
    private readonly E2EAirsenal _airsenal = new();
    private readonly LiveConsole _console;

    public FirstRunScenarioTests(BrowserFixture browser)
    {
        _browser = browser;
        _console = new LiveConsole(new Dictionary<string, string?> { ["AIRSENAL_BIN_DIR"] = _airsenal.BinDir }, firstRun: true);
    }

    [Fact]
    public async Task Setup_SignIn_SetSecret_RunPredictLive_SignOut()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();

        // Nobody is signed in: the console sends the browser to sign in, which points to the setup.
        await page.GotoAsync(_console.Url("/"));
        await page.WaitForURLAsync("**/login**");
        await page.GetByTestId("setup-hint").Locator("a").ClickAsync();
        await page.WaitForURLAsync("**/setup");
        await page.WaitForAuthPageAsync();
        var code = _console.Services.GetRequiredService<FirstRunSetup>().Open();
        var form = page.GetByTestId("setup-form");
        await Assertions.Expect(form.Locator("input[name=code]")).ToBeVisibleAsync();
        await form.Locator("input[name=code]").FillAsync(code);
        await form.Locator("input[name=email]").FillAsync(Email);
        await form.Locator("input[name=password]").FillAsync(Password);
        await form.Locator("input[name=confirm]").FillAsync(Password);
        await Screenshots.SaveAsync(page, "first-run-setup");
        await page.GetByTestId("setup-submit").ClickAsync();

        // Signed in (directly, or through the login form the setup leads to).
        await page.WaitForURLAsync(url => !url.Contains("/setup", StringComparison.Ordinal));
        if (page.Url.Contains("/login", StringComparison.Ordinal))
        {
            await page.WaitForAuthPageAsync();
            await page.Locator("[data-testid=login-form] input[name=email]").FillAsync(Email);
            await page.Locator("[data-testid=login-form] input[name=password]").FillAsync(Password);
            await Screenshots.SaveAsync(page, "login");
            await page.GetByTestId("login-submit").ClickAsync();
            await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        }

        await page.WaitForCircuitAsync();

        await Assertions.Expect(page.GetByTestId("signed-in-admin")).ToHaveTextAsync(Email);

        // A secret, set on the Settings page, stored encrypted and shown only as "set".
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        var row = page.GetByTestId("secret-" + SecretKeys.FplTeamId);
        await row.GetByTestId("secret-input").FillAsync("1234567");
        await row.GetByTestId("secret-save").ClickAsync();
        await Assertions.Expect(row.GetByTestId("secret-state")).ToHaveTextAsync("set");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("1234567");
        await Screenshots.SaveAsync(page, "settings");

        // Run a prediction from the job list and watch its lines arrive.
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await page.GetByTestId("new-job").ClickAsync();
        await page.GetByTestId("new-job-command").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "predict" }).First.ClickAsync();
        // The form shows predict's own fields once the choice has reached the circuit: starting before that starts the default command.
        await Assertions.Expect(page.GetByTestId("param-weeks_ahead")).ToBeVisibleAsync();
        await page.GetByTestId("new-job-start").ClickAsync();
        await page.WaitForURLAsync("**/jobs/*");
        await Assertions.Expect(page.GetByTestId("log-pane")).ToContainTextAsync("predicting batch 2/20");
        await Assertions.Expect(page.GetByTestId("job-status")).ToHaveAttributeAsync("data-status", "running");
        await Assertions.Expect(page.GetByTestId("job-status")).ToHaveAttributeAsync("data-status", "completed");
        await Assertions.Expect(page.GetByTestId("log-pane")).ToContainTextAsync("Prediction finished");

        // Sign out: the session ends and pages ask to sign in again.
        await page.GetByTestId("logout-form").Locator("button").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("login-form")).ToBeVisibleAsync();
        await page.GotoAsync(_console.Url("/jobs"));
        await page.WaitForURLAsync("**/login**");
        await Assertions.Expect(page.GetByTestId("signed-in-admin")).ToHaveCountAsync(0);
    }

    public void Dispose()
    {
        _console.Dispose();
        _airsenal.Dispose();
    }
}
