using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AirsenalOps.Core.Auth;
using AirsenalOps.Tests.Components;
using AirsenalOps.Tests.Integration.Jobs;
using AirsenalOps.Tests.Support;
using AirsenalOps.Web.Auth;
using AirsenalOps.Web.Components.Pages.Settings;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Auth;

/// <summary>
/// Issue 13.3: a token outlived a password change. A token carries the admin's stamp, a token of the older
/// console's shape is dated by its iat, and every bearer check (the API, /api/auth/check, the WebSocket's
/// connect) refuses one from before the change.
/// </summary>
public sealed class TokenStampTests : IDisposable
{
    private const string Owner = "owner@example.com";
    private const string FirstPassword = "first password";
    private const string SecondPassword = "second password";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // The admin lives in the store (only then does the Settings form change the password); bcrypt is cheap.
    private readonly JobsFactory _factory = new(
        new Dictionary<string, string?> { ["APP_ADMIN_EMAIL"] = null, ["APP_ADMIN_PASSWORD_HASH"] = null },
        services => services.AddSingleton(new PasswordHasher(4)));

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task PasswordChangedOnTheSettingsPage_EndsTheOldToken_OnTheApiAndTheSocket_AndAFreshTokenWorks()
    {
        await CreateOwnerAsync();
        var job = await _factory.Jobs.CreateAsync("ok", null, CancellationToken.None);
        var old = await LoginAsync(FirstPassword);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(old, "/api/auth/check")).StatusCode);

        ChangePasswordOnTheSettingsPage(FirstPassword, SecondPassword);

        foreach (var path in new[] { "/api/auth/check", "/api/jobs" })
        {
            var refused = await GetAsync(old, path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(AdminTokenValidator.StaleDetail, await AuthTestData.DetailAsync(refused));
        }

        var close = await FirstFrameAsync(job.Id, old);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(1008, (int)close.CloseStatus!);
        Assert.Equal(AdminTokenValidator.StaleDetail, close.CloseStatusDescription);

        var fresh = await LoginAsync(SecondPassword);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(fresh, "/api/auth/check")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(fresh, "/api/jobs")).StatusCode);
        Assert.Equal(WebSocketMessageType.Text, (await FirstFrameAsync(job.Id, fresh)).MessageType);
    }

    [Fact]
    public async Task OlderConsolesToken_CountsOnlyWhenIssuedAfterTheLastCredentialChange()
    {
        await CreateOwnerAsync();
        var admin = _factory.Services.GetRequiredService<AdminAccount>();
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        Assert.Equal(PasswordChangeOutcome.Changed, (await admin.ChangePasswordAsync(FirstPassword, SecondPassword, CancellationToken.None)).Outcome);
        var after = DateTimeOffset.UtcNow.AddSeconds(2);

        foreach (var stale in new[]
        {
            AuthTestData.PeerToken(AuthTestData.JwtSecret, Owner, expires),
            AuthTestData.PeerToken(AuthTestData.JwtSecret, Owner, expires, issuedAt: before),
        })
        {
            var refused = await GetAsync(stale, "/api/auth/check");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(AdminTokenValidator.StaleDetail, await AuthTestData.DetailAsync(refused));
        }

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(AuthTestData.PeerToken(AuthTestData.JwtSecret, Owner, expires, issuedAt: after), "/api/auth/check")).StatusCode);
    }

    [Fact]
    public async Task EnvironmentAdmin_RestartedWithAnotherPassword_RefusesTokensFromBefore()
    {
        // The same DATA_DIR across two starts, as a container keeps its volume.
        using var data = new TempDirectory();
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        string ours;
        var peerWithoutIat = AuthTestData.PeerToken(AuthTestData.JwtSecret, AuthTestData.AdminEmail, expires);
        using (var first = new ConsoleFactory(AuthTestData.Settings(("DATA_DIR", data.Path))))
        {
            ours = await AuthTestData.LoginAsync(first.CreateClient());
            // The first start knows of no change: the older console's tokens work as they did there.
            Assert.Equal(HttpStatusCode.OK, (await first.Authorized(peerWithoutIat).GetAsync(new Uri("/api/auth/check", UriKind.Relative))).StatusCode);
        }

        var beforeRestart = DateTimeOffset.UtcNow.AddSeconds(-2);
        var newHash = BCrypt.Net.BCrypt.HashPassword(AuthTestData.AdminPassword, BCrypt.Net.BCrypt.GenerateSalt(4, 'b'));
        using var second = new ConsoleFactory(AuthTestData.Settings(("DATA_DIR", data.Path), ("APP_ADMIN_PASSWORD_HASH", newHash)));
        foreach (var stale in new[] { ours, peerWithoutIat, AuthTestData.PeerToken(AuthTestData.JwtSecret, AuthTestData.AdminEmail, expires, beforeRestart) })
        {
            var refused = await second.Authorized(stale).GetAsync(new Uri("/api/auth/check", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(AdminTokenValidator.StaleDetail, await AuthTestData.DetailAsync(refused));
        }

        var fresh = await AuthTestData.LoginAsync(second.CreateClient());
        Assert.Equal(HttpStatusCode.OK, (await second.Authorized(fresh).GetAsync(new Uri("/api/auth/check", UriKind.Relative))).StatusCode);
    }

    private async Task CreateOwnerAsync() =>
        Assert.True(await _factory.Services.GetRequiredService<AdminAccount>().CreateFirstAsync(Owner, FirstPassword, CancellationToken.None));

    private async Task<string> LoginAsync(string password)
    {
        var response = await _factory.CreateClient().PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { email = Owner, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private Task<HttpResponseMessage> GetAsync(string token, string path) =>
        _factory.Authorized(token).GetAsync(new Uri(path, UriKind.Relative));

    /// <summary>The Settings page's password form, rendered on the console's own admin account.</summary>
    private void ChangePasswordOnTheSettingsPage(string current, string next)
    {
        using var page = new SettingsPage(_factory.Services.GetRequiredService<AdminAccount>());
        var form = page.Render<AdminPasswordForm>();
        form.WaitForAssertion(() => form.Find("button[data-testid=change-password]"), Patience);
        form.Find("input[data-testid=current-password], [data-testid=current-password] input").Change(current);
        form.Find("input[data-testid=new-password], [data-testid=new-password] input").Change(next);
        form.Find("input[data-testid=confirm-password], [data-testid=confirm-password] input").Change(next);
        form.Find("button[data-testid=change-password]").Click();

        var navigation = page.Services.GetRequiredService<NavigationManager>();
        form.WaitForAssertion(() => Assert.EndsWith("/login?error=password-changed", navigation.Uri, StringComparison.Ordinal), Patience);
    }

    private async Task<WebSocketReceiveResult> FirstFrameAsync(string jobId, string token)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var socket = await _factory.Server.CreateWebSocketClient()
            .ConnectAsync(new Uri(_factory.Server.BaseAddress, $"/ws/jobs/{jobId}?token={Uri.EscapeDataString(token)}"), timeout.Token);
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.True(result.MessageType is WebSocketMessageType.Close or WebSocketMessageType.Text, Encoding.UTF8.GetString(buffer, 0, result.Count));
        return result;
    }

    private sealed class SettingsPage : MudTestContext
    {
        public SettingsPage(AdminAccount admin) => Services.AddSingleton(admin);
    }
}
