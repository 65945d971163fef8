using AirsenalOps.Core.Audit;
using AirsenalOps.Web.Auth;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace AirsenalOps.Web.Audit;

/// <summary>
/// Tells Core who is acting: the audit entries themselves are written by the Core services (jobs, secrets,
/// schedules, webhooks, database, sign-in), whichever face called them. This area only sets
/// <see cref="AuditActor.Current"/>, once per API request and once per Blazor circuit event.
/// </summary>
public static class AuditExtensions
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CircuitHandler, AuditCircuitHandler>();
        return builder;
    }

    /// <summary>
    /// After authentication: the signed-in user (bearer token or session cookie) and the connection's
    /// address become the actor of everything the request does.
    /// </summary>
    public static WebApplication UseAuditActor(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            using (AuditActor.Use(ActorOf(context)))
            {
                await next(context);
            }
        });
        return app;
    }

    internal static AuditActor ActorOf(HttpContext context) =>
        new(AdminTokenValidator.EmailOf(context.User) ?? AuditActor.Anonymous, ClientAddress.Of(context));
}
