using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Tests.Support;
using AirsenalOps.Web.Auth;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Auth;

/// <summary>The pages' cookie session over real HTTP: sign-in form, redirects, logout, first-run setup.</summary>
public sealed partial class PageSessionTests : IDisposable
{
    private readonly ConsoleFactory _factory = new(AuthTestData.Settings());

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private HttpClient Browser(ConsoleFactory? factory = null) =>
        (factory ?? _factory).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Theory]
    [InlineData("/")]
    [InlineData("/settings")]
    public async Task Pages_RedirectToLogin_WhenSignedOut(string path)
    {
        var response = await Browser().GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("returnUrl=" + Uri.EscapeDataString(path), response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_RendersAFormWithNamedFields_ForAnonymousUsers()
    {
        var html = await Browser().GetStringAsync(new Uri("/login", UriKind.Relative));

        Assert.Contains("action=\"/auth/login\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"email\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"password\"", html, StringComparison.Ordinal);
        Assert.Matches(AntiforgeryField(), html);
    }

    [Fact]
    public async Task SignIn_SetsACookie_ThatOpensPages_AndLogoutEndsIt_EvenForACopiedCookie()
    {
        var browser = Browser();
        var signIn = await PostFormAsync(browser, "/login", "/auth/login", new()
        {
            ["email"] = AuthTestData.AdminEmail,
            ["password"] = AuthTestData.AdminPassword,
            ["returnUrl"] = "/settings",
        });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/settings", signIn.Headers.Location!.OriginalString);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("airsenalops.session=", StringComparison.Ordinal)).Split(';')[0];

        var settings = await browser.GetAsync(new Uri("/settings", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        var html = await settings.Content.ReadAsStringAsync();
        Assert.Contains(AuthTestData.AdminEmail, html, StringComparison.Ordinal);
        Assert.Contains("FPL_TEAM_ID", html, StringComparison.Ordinal);

        var logout = await PostFormAsync(browser, "/", "/auth/logout", []);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.StartsWith("/login", logout.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // A copy of the old cookie is worthless after logout.
        using var replay = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        replay.Headers.Add("Cookie", cookie);
        var replayed = await Browser().SendAsync(replay);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/login", replayed.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_FromAFormWithoutTheAntiforgeryToken_IsRefused_AndTheSessionLives()
    {
        // Issue 13.7: a cross-site form posting to /auth/logout signed the admin out.
        var browser = Browser();
        await PostFormAsync(browser, "/login", "/auth/login", new() { ["email"] = AuthTestData.AdminEmail, ["password"] = AuthTestData.AdminPassword });

        using var forged = new FormUrlEncodedContent([]);
        var logout = await browser.PostAsync(new Uri("/auth/logout", UriKind.Relative), forged);

        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.Contains("sign out again", await AuthTestData.DetailAsync(logout), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/settings", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task SignIn_WithAWrongPassword_ReturnsToLoginWithAnError_AndIsThrottledAfterFive()
    {
        var browser = Browser();
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            var failed = await PostFormAsync(browser, "/login", "/auth/login", new() { ["email"] = AuthTestData.AdminEmail, ["password"] = "bad" });
            Assert.Contains("error=invalid", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        var throttled = await PostFormAsync(browser, "/login", "/auth/login", new() { ["email"] = AuthTestData.AdminEmail, ["password"] = AuthTestData.AdminPassword });

        Assert.Contains("error=throttled", throttled.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(throttled.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("airsenalops.session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_WithAWrongPassword_GoesBackWithTheEmail_WhichTheFormShows_AndNeverThePassword()
    {
        var browser = Browser();
        var failed = await PostFormAsync(browser, "/login", "/auth/login", new() { ["email"] = AuthTestData.AdminEmail, ["password"] = "wrong-password-123" });

        var location = failed.Headers.Location!.OriginalString;
        Assert.Equal(AuthTestData.AdminEmail, Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + location).Query)["email"].ToString());
        Assert.DoesNotContain("wrong-password-123", location, StringComparison.Ordinal);
        var html = await browser.GetStringAsync(new Uri(location, UriKind.Relative));
        Assert.Matches("name=\"email\"[^>]*value=\"" + Regex.Escape(AuthTestData.AdminEmail) + "\"|value=\"" + Regex.Escape(AuthTestData.AdminEmail) + "\"[^>]*name=\"email\"", html);
    }

    [Fact]
    public async Task SignInForm_SharesTheApiLoginsThrottle_TheSixthAttemptIsNotChecked_AndThePageSaysWhenToRetry()
    {
        // Issue 13.6: /auth/login is limited by the same throttle as POST /api/auth/login. Every password check
        // is audited (login_failed or login_succeeded), so the audit count is the number of bcrypt checks.
        var browser = Browser();
        var api = _factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var failed = await api.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { email = AuthTestData.AdminEmail, password = "api guess " + i });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        for (var i = 0; i < LoginThrottle.MaxFailures - 3; i++)
        {
            var failed = await PostFormAsync(browser, "/login", "/auth/login", new() { ["email"] = AuthTestData.AdminEmail, ["password"] = "form guess " + i });
            Assert.Contains("error=invalid", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        var checks = await PasswordChecksAsync();
        Assert.Equal(LoginThrottle.MaxFailures, checks);

        // The sixth attempt, with the right password even, is refused before any check.
        var sixth = await PostFormAsync(browser, "/login", "/auth/login", new() { ["email"] = AuthTestData.AdminEmail, ["password"] = AuthTestData.AdminPassword });

        Assert.Equal(HttpStatusCode.Redirect, sixth.StatusCode);
        Assert.Contains("error=throttled", sixth.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(sixth.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("airsenalops.session=", StringComparison.Ordinal));
        Assert.Equal(checks, await PasswordChecksAsync());
        var page = await browser.GetStringAsync(sixth.Headers.Location);
        Assert.Contains("data-testid=\"login-message\"", page, StringComparison.Ordinal);
        Assert.Contains("Too many failed sign-ins. Try again in 15 minutes", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await api.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { email = AuthTestData.AdminEmail, password = AuthTestData.AdminPassword })).StatusCode);
    }

    [Fact]
    public async Task SignIn_ReturnUrlToAnotherSite_IsIgnored()
    {
        var signIn = await PostFormAsync(Browser(), "/login", "/auth/login", new()
        {
            ["email"] = AuthTestData.AdminEmail,
            ["password"] = AuthTestData.AdminPassword,
            ["returnUrl"] = "//evil.example.com/x",
        });

        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/\t/evil.example/")]
    [InlineData("/\n/evil.example/")]
    [InlineData("/settings\r\nSet-Cookie: x=1")]
    [InlineData("/\\evil.example/")]
    [InlineData("/ /evil.example/")]
    [InlineData("/jobs//evil.example")]
    [InlineData("https://evil.example/")]
    public async Task SignIn_ReturnUrlThatABrowserTurnsIntoAnotherHost_GoesHome(string returnUrl)
    {
        // Issue 13.2: browsers drop the tab, so "/<TAB>/evil.example/" landed on evil.example; CR/LF gave a 500.
        var signIn = await PostFormAsync(Browser(), "/login", "/auth/login", new()
        {
            ["email"] = AuthTestData.AdminEmail,
            ["password"] = AuthTestData.AdminPassword,
            ["returnUrl"] = returnUrl,
        });

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_ALocalReturnUrlWithAQuery_IsKept()
    {
        var signIn = await PostFormAsync(Browser(), "/login", "/auth/login", new()
        {
            ["email"] = AuthTestData.AdminEmail,
            ["password"] = AuthTestData.AdminPassword,
            ["returnUrl"] = "/jobs?status=failed",
        });

        Assert.Equal("/jobs?status=failed", signIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task PasswordChange_EndsExistingSessions()
    {
        using var factory = new ConsoleFactory(new Dictionary<string, string?> { ["JWT_SECRET"] = AuthTestData.JwtSecret, ["ENCRYPTION_KEY"] = AuthTestData.EncryptionKey });
        var admin = factory.Services.GetRequiredService<AdminAccount>();
        Assert.True(await admin.CreateFirstAsync("owner@example.com", "first password", CancellationToken.None));
        var browser = Browser(factory);
        await PostFormAsync(browser, "/login", "/auth/login", new() { ["email"] = "owner@example.com", ["password"] = "first password" });
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);

        var (outcome, _) = await admin.ChangePasswordAsync("first password", "second password", CancellationToken.None);

        Assert.Equal(PasswordChangeOutcome.Changed, outcome);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
        Assert.Equal(LoginOutcome.Success, (await admin.VerifyAsync("owner@example.com", "second password", CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task FirstRunSetup_NeedsTheLoggedCode_WorksOnce_AndClosesWhenAnAdminExists()
    {
        using var factory = new ConsoleFactory(new Dictionary<string, string?> { ["JWT_SECRET"] = AuthTestData.JwtSecret, ["ENCRYPTION_KEY"] = AuthTestData.EncryptionKey });
        var browser = Browser(factory);
        var page = await browser.GetStringAsync(new Uri("/setup", UriKind.Relative));
        Assert.Contains("action=\"/auth/setup\"", page, StringComparison.Ordinal);
        var setup = factory.Services.GetRequiredService<FirstRunSetup>();
        Assert.True(setup.IsOpen);

        var wrongCode = await PostFormAsync(browser, "/setup", "/auth/setup", Form("WRONG-CODE"));
        Assert.Contains("error=code", wrongCode.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.False(await factory.Services.GetRequiredService<AdminAccount>().ExistsAsync(CancellationToken.None));

        var created = await PostFormAsync(browser, "/setup", "/auth/setup", Form(setup.Open().ToLowerInvariant()));
        Assert.Equal("/", created.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
        var secrets = factory.Services.GetRequiredService<SecretsService>();
        Assert.Equal("owner@example.com", await secrets.GetAsync(SecretKeys.AdminEmail, CancellationToken.None));
        Assert.False(setup.IsOpen);

        // Once an admin exists, setup is closed: the page says so and a second post changes nothing.
        var stranger = Browser(factory);
        Assert.Contains("already exists", await stranger.GetStringAsync(new Uri("/setup", UriKind.Relative)), StringComparison.Ordinal);
        var again = await PostFormAsync(stranger, "/login", "/auth/setup", new()
        {
            ["code"] = "ANY", ["email"] = "stranger@example.com", ["password"] = "taken over!", ["confirm"] = "taken over!",
        });
        Assert.Equal("/login", again.Headers.Location!.OriginalString);
        Assert.Equal("owner@example.com", await secrets.GetAsync(SecretKeys.AdminEmail, CancellationToken.None));
    }

    [Fact]
    public void DataProtectionKeys_AreKeptInDataDir()
    {
        _ = Browser();
        using var scope = _factory.Services.CreateScope();
        var protector = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("test");
        _ = protector.Protect([1, 2, 3]);

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_factory.DataDir, "keys"), "*.xml"));
    }

    private async Task<long> PasswordChecksAsync()
    {
        var audit = _factory.Services.GetRequiredService<AirsenalOps.Core.Storage.IStorage>().Audit;
        return await audit.CountAsync(new(AirsenalOps.Core.Audit.AuditAction.LoginFailed), CancellationToken.None)
            + await audit.CountAsync(new(AirsenalOps.Core.Audit.AuditAction.LoginSucceeded), CancellationToken.None);
    }

    private static Dictionary<string, string> Form(string code) => new()
    {
        ["code"] = code, ["email"] = "owner@example.com", ["password"] = "a good password", ["confirm"] = "a good password",
    };

    /// <summary>Loads the page like a browser (antiforgery cookie and field), then posts the form.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string page, string action, Dictionary<string, string> fields)
    {
        var html = await browser.GetStringAsync(new Uri(page, UriKind.Relative));
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, "no antiforgery field on " + page);
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value);
        using var content = new FormUrlEncodedContent(fields);
        return await browser.PostAsync(new Uri(action, UriKind.Relative), content);
    }

    public void Dispose() => _factory.Dispose();
}
