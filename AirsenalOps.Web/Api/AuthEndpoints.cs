using System.Globalization;
using AirsenalOps.Core.Auth;
using AirsenalOps.Web.Auth;

namespace AirsenalOps.Web.Api;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record LoginResponse(string Token, string Email);

public sealed record AuthCheckResponse(string Email, bool Authenticated);

public sealed record HashPasswordRequest(string? Password);

public sealed record HashPasswordResponse(string Hash);

public sealed record LogoutResponse(bool Success);

/// <summary>The peer's /api/auth routes: login for a bearer token, a token check, and a bcrypt helper.</summary>
public static class AuthEndpoints
{
    public static WebApplication MapAuthApi(this WebApplication app)
    {
        app.MapPost(ApiExtensions.Prefix + "/auth/login", LoginAsync).AllowAnonymous();
        app.MapPost(ApiExtensions.Prefix + "/auth/hash-password", HashPassword).AllowAnonymous();
        var group = app.MapProtectedApi("/auth");
        group.MapGet("/check", Check);
        group.MapPost("/logout", LogoutAsync);
        return app;
    }

    internal static async Task<IResult> LoginAsync(
        LoginRequest? request, HttpContext context, AdminAccount admin, AdminTokens tokens, LoginThrottle throttle, ILoggerFactory loggers)
    {
        var client = ClientAddress.Of(context);
        if (throttle.TryBegin(client) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return ApiResults.Error(StatusCodes.Status429TooManyRequests, $"Too many failed logins; try again in {seconds} seconds");
        }

        var (outcome, identity) = await admin.VerifyAsync(request?.Email, request?.Password, context.RequestAborted);
        switch (outcome)
        {
            case LoginOutcome.NotConfigured:
                throttle.Forgive(client);
                return ApiResults.Error(StatusCodes.Status401Unauthorized, "Admin credentials not configured");
            case LoginOutcome.Success when identity is not null:
                throttle.Reset(client);
                return TypedResults.Ok(new LoginResponse(tokens.Issue(identity), identity.Email));
            default:
                SessionEndpoints.LogFailedLogin(loggers.CreateLogger(typeof(AuthEndpoints)), client, "API login");
                return ApiResults.Error(StatusCodes.Status401Unauthorized, "Invalid credentials");
        }
    }

    internal static IResult Check(HttpContext context) =>
        TypedResults.Ok(new AuthCheckResponse(AdminTokenValidator.EmailOf(context.User) ?? string.Empty, true));

    /// <summary>
    /// Signs the presented bearer token out: every console sharing the store refuses it from now on (within
    /// <see cref="AdminSessions.RecheckAfter"/>), until it would have expired anyway. Ours only: the peer had no logout.
    /// </summary>
    internal static async Task<IResult> LogoutAsync(HttpContext context, AdminSessions sessions, TimeProvider time)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "Sign-out takes the token in the Authorization header");
        }

        var expires = long.TryParse(context.User.FindFirst("exp")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : time.GetUtcNow() + AdminTokens.DefaultLifetime;
        await sessions.RevokeTokenAsync(header[bearer.Length..].Trim(), expires, context.RequestAborted);
        return TypedResults.Ok(new LogoutResponse(true));
    }

    internal static IResult HashPassword(HashPasswordRequest? request, PasswordHasher hasher) =>
        PasswordHasher.Problem(request?.Password) is { } problem
            ? ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "password: " + problem)
            : TypedResults.Ok(new HashPasswordResponse(hasher.Hash(request!.Password!)));
}
