using AirsenalOps.Core.Audit;
using AirsenalOps.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace AirsenalOps.Web.Audit;

/// <summary>
/// Makes the circuit's user and the browser's address the <see cref="AuditActor"/> of every circuit event
/// (clicks, form submits, interop calls), so a page that calls a Core service is recorded like the API.
/// One per circuit (scoped). The address is read from the SignalR connection's request when the
/// connection comes up (again after a reconnect, which may come from another address).
/// </summary>
internal sealed class AuditCircuitHandler(AuthenticationStateProvider authentication, IHttpContextAccessor http) : CircuitHandler
{
    private string _client = "unknown";

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (http.HttpContext is { } context)
        {
            _client = ClientAddress.Of(context);
        }

        return Task.CompletedTask;
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            using (AuditActor.Use(await CurrentAsync()))
            {
                await next(context);
            }
        };

    internal async Task<AuditActor> CurrentAsync()
    {
        string? email = null;
        try
        {
            email = AdminTokenValidator.EmailOf((await authentication.GetAuthenticationStateAsync()).User);
        }
        catch (InvalidOperationException)
        {
            // The circuit has no authentication state yet (it is still starting): nobody is signed in to act.
        }

        return new AuditActor(email ?? AuditActor.Anonymous, _client);
    }
}
