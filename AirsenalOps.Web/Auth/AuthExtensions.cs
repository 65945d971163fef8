using AirsenalOps.Core;
using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AirsenalOps.Web.Auth;

public static class AuthExtensions
{
    /// <summary>Picks the bearer handler for the API and the WebSocket, the session cookie for the pages.</summary>
    public const string Scheme = "AdminAuto";

    /// <summary>
    /// One admin, two faces: HS256 bearer tokens for the JSON API (compatible with the peer's PyJWT tokens),
    /// a session cookie for the Blazor pages. Requires <c>AddStorage</c> and <c>AddSecrets</c> first.
    /// </summary>
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        builder.AddAdminAccount();
        var services = builder.Services;
        services.AddValidatedOptions<JwtOptions>(builder.Configuration);
        services.AddSingleton<JwtSigningKey>();
        services.AddHostedService<JwtSigningKeyCheck>();
        services.AddSingleton<AdminTokens>();
        services.AddSingleton<AdminTokenValidator>();
        services.AddSingleton<AdminCredentialChanges>();
        services.AddHostedService(sp => sp.GetRequiredService<AdminCredentialChanges>());

        // The jobs WebSocket takes its token from ?token=: same rules as the bearer handler, and the socket
        // closes when the token expires or the admin's credentials change.
        services.AddSingleton<AdminSocketLeases>();
        services.AddSingleton<JobSocketTokenCheck>(sp => sp.GetRequiredService<AdminSocketLeases>().GrantAsync);
        services.AddSingleton<AdminSessions>();
        services.AddHostedService<SharedAuthWatcher>();
        services.AddSingleton<IAuthorizationHandler, AdminRequirementHandler>();

        // Cookies must survive a restart: keep the Data Protection keys with the console's data.
        services.AddDataProtection()
            .SetApplicationName("AirsenalOps")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(
                new StorageOptions { DataDir = builder.Configuration["DATA_DIR"] ?? "data" }.DataDirFullPath, "keys")));

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer for the API, cookie for pages", options =>
                options.ForwardDefaultSelector = context => context.IsApiRequest()
                    ? JwtBearerDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddCookie(options =>
            {
                options.Cookie.Name = "airsenalops.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.ExpireTimeSpan = AdminSessions.Lifetime;
                options.SlidingExpiration = false;
                options.LoginPath = "/login";
                options.AccessDeniedPath = "/login";
                options.ReturnUrlParameter = "returnUrl";
                options.Events.OnValidatePrincipal = async context =>
                {
                    var sessions = context.HttpContext.RequestServices.GetRequiredService<AdminSessions>();
                    if (!await sessions.IsValidAsync(context.Principal, context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<JwtSigningKey, TimeProvider>((options, key, time) =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = AdminTokens.ValidationParameters(key, time);
                options.Events = new JwtBearerEvents
                {
                    // A signature and an expiry are not enough: the admin's credentials may have changed since.
                    OnTokenValidated = async context =>
                    {
                        var validator = context.HttpContext.RequestServices.GetRequiredService<AdminTokenValidator>();
                        if (context.Principal is { } user && await validator.StaleReasonAsync(user, context.HttpContext.RequestAborted) is { } stale)
                        {
                            context.Fail(new StaleAdminTokenException(stale));
                        }
                        else if (context.SecurityToken is JsonWebToken jwt
                            && await validator.RevokedReasonAsync(jwt.EncodedToken, context.HttpContext.RequestAborted) is { } revoked)
                        {
                            context.Fail(new StaleAdminTokenException(revoked));
                        }
                    },
                    // Every API error is {"detail"}: say why the token was refused.
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        var detail = context.AuthenticateFailure switch
                        {
                            SecurityTokenExpiredException => "Token has expired",
                            StaleAdminTokenException stale => stale.Message,
                            not null => "Invalid token",
                            null => "Not authenticated",
                        };
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                        await context.Response.WriteAsJsonAsync(new ErrorDetail(detail));
                    },
                    OnForbidden = async context =>
                    {
                        context.Response.StatusCode = StatusCodes.Status403Forbidden;
                        await context.Response.WriteAsJsonAsync(new ErrorDetail("This token is not the admin's"));
                    },
                };
            });

        services.AddAuthorization(AdminRequirement.AddPolicy);
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, CircuitAuthenticationStateProvider>();
        return builder;
    }

    /// <summary>
    /// CORS (API only), authentication, then the rate limiter (its partition is the token's email). Before the
    /// UI middleware, because antiforgery must see the signed-in user.
    /// </summary>
    public static WebApplication UseAuth(this WebApplication app)
    {
        app.UseWhen(ApiExtensions.IsApiRequest, api => api.UseCors(RateLimitingExtensions.CorsPolicy));
        app.UseAuthentication();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// Authorization, after the UI's status-code pages: a re-executed request (the HTML not-found page) must
    /// pass through it too.
    /// </summary>
    public static WebApplication UseAdminAuthorization(this WebApplication app)
    {
        app.UseAuthorization();
        return app;
    }

    /// <summary>Makes a route group admin-only (bearer token whose email is the admin's).</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AdminRequirement.Policy);
}
