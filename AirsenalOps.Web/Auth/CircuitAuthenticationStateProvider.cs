using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace AirsenalOps.Web.Auth;

/// <summary>
/// Keeps a Blazor circuit honest about its user: re-checks the session periodically and at once whenever a
/// session is revoked or the admin changes, and turns the user anonymous when it is no longer valid, so the
/// router sends the browser to /login. A circuit never outlives its logout.
/// </summary>
internal sealed class CircuitAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private readonly AdminSessions _sessions;

    public CircuitAuthenticationStateProvider(AdminSessions sessions, ILoggerFactory loggerFactory)
        : base(loggerFactory)
    {
        _sessions = sessions;
        _sessions.Changed += OnSessionsChanged;
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(30);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        _sessions.IsValidAsync(authenticationState.User, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sessions.Changed -= OnSessionsChanged;
        }

        base.Dispose(disposing);
    }

    // Fire and forget: an event handler cannot await, and a failing check (storage down) must not crash the process.
    private void OnSessionsChanged() => _ = RecheckAsync();

    private async Task RecheckAsync()
    {
        try
        {
            var state = await GetAuthenticationStateAsync();
            if (state.User.Identity?.IsAuthenticated == true && !await _sessions.IsValidAsync(state.User, CancellationToken.None))
            {
                SetAuthenticationState(Task.FromResult(new AuthenticationState(new(new System.Security.Claims.ClaimsIdentity()))));
            }
        }
        catch (InvalidOperationException)
        {
            // The circuit has no authentication state yet (still starting): the periodic check covers it.
        }
    }
}
