using System.Security.Claims;
using AirsenalOps.Core.Auth;
using AirsenalOps.Tests.Support;
using AirsenalOps.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Auth;

/// <summary>The pieces other areas reuse: the query-string token check (WebSocket) and the circuit's session check.</summary>
public sealed class TokenValidatorAndCircuitTests : IDisposable
{
    private readonly ConsoleFactory _factory = new(AuthTestData.Settings());

    [Fact]
    public async Task Validator_SortsTokensLikeTheBearerHandler()
    {
        _ = _factory.CreateClient();
        var validator = _factory.Services.GetRequiredService<AdminTokenValidator>();
        var issued = _factory.Services.GetRequiredService<AdminTokens>().Issue((await _factory.Services.GetRequiredService<AdminAccount>().GetAsync(CancellationToken.None))!);

        Assert.Equal(AdminTokenStatus.Valid, (await validator.ValidateAsync(issued, CancellationToken.None)).Status);
        Assert.Equal(AdminTokenStatus.Missing, (await validator.ValidateAsync(null, CancellationToken.None)).Status);
        Assert.Equal(AdminTokenStatus.Invalid, (await validator.ValidateAsync("not.a.token", CancellationToken.None)).Status);
        Assert.Equal(AdminTokenStatus.Invalid, (await validator.ValidateAsync(
            AuthTestData.PeerToken("other secret", AuthTestData.AdminEmail, DateTimeOffset.UtcNow.AddHours(1)), CancellationToken.None)).Status);
        Assert.Equal(AdminTokenStatus.Expired, (await validator.ValidateAsync(
            AuthTestData.PeerToken(AuthTestData.JwtSecret, AuthTestData.AdminEmail, DateTimeOffset.UtcNow.AddMinutes(-1)), CancellationToken.None)).Status);
        var other = await validator.ValidateAsync(
            AuthTestData.PeerToken(AuthTestData.JwtSecret, "else@example.com", DateTimeOffset.UtcNow.AddHours(1)), CancellationToken.None);
        Assert.Equal(AdminTokenStatus.NotAdmin, other.Status);
        Assert.False(other.IsValid);
    }

    [Fact]
    public async Task TwoTokensIssuedAtOnce_AreDistinct_AndSigningOneOutKeepsTheOther()
    {
        _ = _factory.CreateClient();
        var tokens = _factory.Services.GetRequiredService<AdminTokens>();
        var admin = (await _factory.Services.GetRequiredService<AdminAccount>().GetAsync(CancellationToken.None))!;
        var first = tokens.Issue(admin);
        var second = tokens.Issue(admin);
        Assert.NotEqual(first, second);

        await _factory.Services.GetRequiredService<AdminSessions>().RevokeTokenAsync(first, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        var validator = _factory.Services.GetRequiredService<AdminTokenValidator>();
        Assert.False((await validator.ValidateAsync(first, CancellationToken.None)).IsValid);
        Assert.Equal(AdminTokenStatus.Valid, (await validator.ValidateAsync(second, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task JobsWebSocketTokenCheck_IsTheAdminTokenValidator()
    {
        _ = _factory.CreateClient();
        var check = _factory.Services.GetRequiredService<AirsenalOps.Web.Api.JobSocketTokenCheck>();
        var issued = _factory.Services.GetRequiredService<AdminTokens>().Issue((await _factory.Services.GetRequiredService<AdminAccount>().GetAsync(CancellationToken.None))!);

        using var granted = await check(issued, CancellationToken.None);
        Assert.Null(granted.Refusal);
        Assert.False(granted.Ended.IsCompleted);
        using var missing = await check(null, CancellationToken.None);
        Assert.Equal("Not authenticated", missing.Refusal);
        using var other = await check(AuthTestData.PeerToken(AuthTestData.JwtSecret, "else@example.com", DateTimeOffset.UtcNow.AddHours(1)), CancellationToken.None);
        Assert.Equal("Not allowed", other.Refusal);
    }

    [Fact]
    public async Task Circuit_TurnsAnonymous_AsSoonAsItsSessionIsRevoked()
    {
        _ = _factory.CreateClient();
        var sessions = _factory.Services.GetRequiredService<AdminSessions>();
        var admin = await _factory.Services.GetRequiredService<AdminAccount>().GetAsync(CancellationToken.None);
        var user = sessions.CreatePrincipal(admin!);
        using var scope = _factory.Services.CreateScope();
        var provider = (Microsoft.AspNetCore.Components.Server.ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        provider.SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        var anonymous = new TaskCompletionSource();
        provider.AuthenticationStateChanged += async state =>
        {
            if ((await state).User.Identity?.IsAuthenticated != true)
            {
                anonymous.TrySetResult();
            }
        };

        Assert.True(await sessions.IsValidAsync(user, CancellationToken.None));
        await sessions.RevokeAsync(user, CancellationToken.None);

        await anonymous.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(await sessions.IsValidAsync(user, CancellationToken.None));
        Assert.False((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task Sessions_OfAnotherAddressOrWithAStaleStamp_AreNotValid()
    {
        _ = _factory.CreateClient();
        var sessions = _factory.Services.GetRequiredService<AdminSessions>();
        var admin = await _factory.Services.GetRequiredService<AdminAccount>().GetAsync(CancellationToken.None);

        var stranger = sessions.CreatePrincipal(admin! with { Email = "else@example.com" });
        var stale = sessions.CreatePrincipal(admin! with { PasswordHash = "$2b$04$" + new string('a', 53) });

        Assert.False(await sessions.IsValidAsync(stranger, CancellationToken.None));
        Assert.False(await sessions.IsValidAsync(stale, CancellationToken.None));
        Assert.False(await sessions.IsValidAsync(new ClaimsPrincipal(new ClaimsIdentity()), CancellationToken.None));
    }

    public void Dispose() => _factory.Dispose();
}
