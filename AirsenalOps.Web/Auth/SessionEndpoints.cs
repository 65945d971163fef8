using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Web.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AirsenalOps.Web.Auth;

/// <summary>
/// The pages' sign-in, sign-out and first-run setup. They are plain form posts (with antiforgery) because a
/// cookie can only be set on an HTTP response, never from an interactive component on the circuit.
/// </summary>
public static partial class SessionEndpoints
{
    public static WebApplication MapSessionEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/auth").AllowAnonymous().ExcludeFromDescription();
        group.MapPost("/login", LoginAsync);
        group.MapPost("/logout", LogoutAsync);
        group.MapPost("/setup", SetupAsync);
        return app;
    }

    internal static async Task<IResult> LoginAsync(
        HttpContext context,
        [FromForm] string? email,
        [FromForm] string? password,
        [FromForm] string? returnUrl,
        AdminAccount admin,
        AdminSessions sessions,
        LoginThrottle throttle,
        ILoggerFactory loggers)
    {
        var client = ClientAddress.Of(context);
        if (throttle.TryBegin(client) is { } wait)
        {
            return Back("/login", returnUrl, "throttled", wait, email: KeptEmail(email));
        }

        var (outcome, identity) = await admin.VerifyAsync(email, password, context.RequestAborted);
        if (outcome == LoginOutcome.NotConfigured)
        {
            throttle.Forgive(client);
            return Back("/login", returnUrl, "not-configured");
        }

        if (identity is null)
        {
            LogFailedLogin(loggers.CreateLogger(typeof(SessionEndpoints)), client, "login page");
            return Back("/login", returnUrl, "invalid", email: KeptEmail(email));
        }

        throttle.Reset(client);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, sessions.CreatePrincipal(identity));
        return TypedResults.Redirect(SafeReturnUrl(returnUrl));
    }

    internal static async Task<IResult> LogoutAsync(HttpContext context, AdminSessions sessions, IAntiforgery antiforgery)
    {
        // Minimal APIs check antiforgery only on endpoints that bind a form; sign-out binds none, so a
        // cross-site form could sign the admin out. The layout's form carries the token.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "The sign-out form has expired or came from another site: reload the page and sign out again.");
        }

        var result = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (result.Principal is { } user)
        {
            await sessions.RevokeAsync(user, context.RequestAborted);
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.Redirect("/login?signedOut=1");
    }

    internal static async Task<IResult> SetupAsync(
        HttpContext context,
        [FromForm] string? email,
        [FromForm] string? password,
        [FromForm] string? confirm,
        [FromForm] string? code,
        AdminAccount admin,
        AdminSessions sessions,
        FirstRunSetup setup,
        LoginThrottle throttle,
        ILoggerFactory loggers)
    {
        var client = ClientAddress.Of(context);
        if (await admin.ExistsAsync(context.RequestAborted))
        {
            return TypedResults.Redirect("/login");
        }

        if (throttle.TryBegin(client) is { } wait)
        {
            return Back("/setup", null, "throttled", wait);
        }

        if (!setup.Matches(code))
        {
            LogFailedLogin(loggers.CreateLogger(typeof(SessionEndpoints)), client, "first-run setup code");
            return Back("/setup", null, "code", email: email);
        }

        throttle.Forgive(client);

        if (!string.Equals(password, confirm, StringComparison.Ordinal))
        {
            return Back("/setup", null, "mismatch", email: email);
        }

        try
        {
            if (!await admin.CreateFirstAsync(email ?? string.Empty, password ?? string.Empty, context.RequestAborted))
            {
                return TypedResults.Redirect("/login");
            }
        }
        catch (SecretValidationException ex)
        {
            return Back("/setup", null, "invalid", message: ex.Message, email: email);
        }

        setup.Close();
        var (_, identity) = await admin.VerifyAsync(email, password, context.RequestAborted);
        if (identity is not null)
        {
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, sessions.CreatePrincipal(identity));
        }

        return TypedResults.Redirect("/");
    }

    /// <summary>
    /// Only local paths: an open redirect after login would hand the session page to another site. Browsers
    /// drop tabs and newlines inside a URL (<c>/\t/evil.example</c> becomes <c>//evil.example</c>) and read
    /// <c>\</c> as <c>/</c>, so any control character, whitespace or backslash refuses the URL, as does <c>//</c>
    /// anywhere (a CR/LF would otherwise reach the Location header and fail the response).
    /// </summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 and <= 2048 } url && url.StartsWith('/')
            && !url.Contains("//", StringComparison.Ordinal)
            && !url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\')
            && !url.StartsWith("/login", StringComparison.OrdinalIgnoreCase)
            ? url
            : "/";

    /// <summary>
    /// The e-mail a failed sign-in goes back to the form with, so only the password is typed again. Never the password;
    /// nothing longer than an address can be (RFC 5321), so a pasted essay does not grow the redirect.
    /// </summary>
    private static string? KeptEmail(string? email) =>
        email?.Trim() is { Length: > 0 and <= 254 } kept ? kept : null;

    private static RedirectHttpResult Back(string page, string? returnUrl, string error, TimeSpan? wait = null, string? message = null, string? email = null)
    {
        var query = new Dictionary<string, string?> { ["error"] = error };
        if (wait is { } w)
        {
            query["retry"] = ((int)Math.Ceiling(w.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (!string.IsNullOrEmpty(returnUrl))
        {
            query["returnUrl"] = SafeReturnUrl(returnUrl);
        }

        if (message is not null)
        {
            query["message"] = message;
        }

        if (!string.IsNullOrEmpty(email))
        {
            query["email"] = email;
        }

        return TypedResults.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(page, query));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed sign-in from {Client} ({Where})")]
    internal static partial void LogFailedLogin(ILogger logger, string client, string where);
}
