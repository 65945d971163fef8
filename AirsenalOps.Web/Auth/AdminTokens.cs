using System.Globalization;
using System.Security.Claims;
using AirsenalOps.Core.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AirsenalOps.Web.Auth;

/// <summary>
/// Issues API tokens like the peer (HS256, 12 hours by default, the admin address in a claim named <c>email</c>)
/// plus the admin's <c>stamp</c>, so that a token ends when the address or the password changes.
/// </summary>
public sealed class AdminTokens(JwtSigningKey key, TimeProvider time, IOptions<JwtOptions> options)
{
    public const string EmailClaim = "email";

    /// <summary>The same digest a session cookie carries (<see cref="AdminIdentity.Stamp"/>).</summary>
    public const string StampClaim = AdminSessions.StampClaim;

    public const string IssuedAtClaim = "iat";

    public const string TokenIdClaim = "jti";

    /// <summary>The peer's token lifetime, and the session cookie's.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(12);

    public TimeSpan Lifetime => TimeSpan.FromSeconds(options.Value.ExpirationSeconds);

    public string Issue(AdminIdentity admin)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            // A token id of its own: two sign-ins in the same second would otherwise be the same string, and
            // signing one out (revocations are kept by the token's hash) would sign out the other.
            Claims = new Dictionary<string, object> { [EmailClaim] = admin.Email, [StampClaim] = admin.Stamp, [TokenIdClaim] = Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            Expires = now + Lifetime,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The validation both the bearer handler and <see cref="AdminTokenValidator"/> use.</summary>
    public static TokenValidationParameters ValidationParameters(JwtSigningKey key, TimeProvider time) => new()
    {
        IssuerSigningKey = key.Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.Zero,
        // Checked against TimeProvider (tests fake the clock). PyJWT allows no leeway by default; neither do we.
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            if (expires is null)
            {
                throw new SecurityTokenNoExpirationException("The token has no expiry.");
            }

            if (notBefore is { } start && start > now)
            {
                throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = start };
            }

            return expires.Value > now ? true : throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        },
        NameClaimType = EmailClaim,
    };
}

public enum AdminTokenStatus
{
    Valid,
    Missing,
    Invalid,
    Expired,

    /// <summary>A valid token for an address that is not the admin's (HTTP 403, WebSocket close 1008).</summary>
    NotAdmin,

    /// <summary>The admin's token from before a change of the admin's credentials (HTTP 401, WebSocket close 1008).</summary>
    Stale,
}

/// <summary>The bearer handler's failure for a stale token: its message is the 401's <c>detail</c>.</summary>
public sealed class StaleAdminTokenException(string message) : SecurityTokenValidationException(message);

/// <param name="Expires">When the token expires (a valid token always has an expiry).</param>
public sealed record AdminTokenResult(AdminTokenStatus Status, string? Email, string Detail, DateTimeOffset? Expires = null)
{
    public bool IsValid => Status == AdminTokenStatus.Valid;
}

/// <summary>
/// Checks a token that does not arrive in an Authorization header (the WebSocket's <c>?token=</c>) with the
/// same rules as the API's bearer handler, including "is this the admin" and "is it from before a change of
/// the admin's credentials" (<see cref="StaleReasonAsync"/>, which the bearer handler calls too).
/// </summary>
public sealed class AdminTokenValidator(IOptionsMonitor<JwtBearerOptions> bearer, AdminAccount admin, AdminCredentialChanges changes, AdminSessions sessions)
{
    public const string StaleDetail = "Token was issued before the admin's credentials changed: sign in again";

    public const string RevokedDetail = "Token was signed out: sign in again";

    public async Task<AdminTokenResult> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return new(AdminTokenStatus.Missing, null, "Not authenticated");
        }

        var parameters = bearer.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return result.Exception is SecurityTokenExpiredException
                ? new(AdminTokenStatus.Expired, null, "Token has expired")
                : new(AdminTokenStatus.Invalid, null, "Invalid token");
        }

        var email = result.ClaimsIdentity.FindFirst(AdminTokens.EmailClaim)?.Value;
        if (!await IsAdminAsync(email, cancellationToken))
        {
            return new(AdminTokenStatus.NotAdmin, email, "Not allowed");
        }

        if (await StaleReasonAsync(new ClaimsPrincipal(result.ClaimsIdentity), cancellationToken) is { } stale)
        {
            return new(AdminTokenStatus.Stale, email, stale);
        }

        // A signed-out token is refused like a stale one (401, WebSocket close 1008), on every console.
        if (await RevokedReasonAsync(token, cancellationToken) is { } revoked)
        {
            return new(AdminTokenStatus.Stale, email, revoked);
        }

        return new(AdminTokenStatus.Valid, email, "ok", new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero));
    }

    /// <summary>
    /// Why the admin's token no longer counts, or null when it does (or is not the admin's: authorization
    /// answers that with 403). A token of ours carries the admin's stamp, which must be the current one. A token
    /// of the older console's shape has none: it counts only if its <c>iat</c> is later than the last change of
    /// the credentials this console knows of; one without <c>iat</c> only while no change is known.
    /// </summary>
    internal async Task<string?> StaleReasonAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var current = await admin.GetAsync(cancellationToken);
        if (current is null || !current.Is(EmailOf(user)))
        {
            return null;
        }

        if (user.FindFirst(AdminTokens.StampClaim)?.Value is { } stamp)
        {
            return string.Equals(stamp, current.Stamp, StringComparison.Ordinal) ? null : StaleDetail;
        }

        if (await changes.LastChangeAsync(current, cancellationToken) is not { } changed)
        {
            return null;
        }

        // iat counts whole seconds: a token from the very second of the change is refused, not guessed at.
        return long.TryParse(user.FindFirst(AdminTokens.IssuedAtClaim)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var iat)
            && iat > changed.ToUnixTimeSeconds()
            ? null
            : StaleDetail;
    }

    /// <summary>Why the token no longer counts because it was signed out (on any console), or null.</summary>
    internal async Task<string?> RevokedReasonAsync(string token, CancellationToken cancellationToken) =>
        await sessions.IsTokenRevokedAsync(token, cancellationToken) ? RevokedDetail : null;

    internal async Task<bool> IsAdminAsync(string? email, CancellationToken cancellationToken) =>
        (await admin.GetAsync(cancellationToken))?.Is(email) == true;

    internal static string? EmailOf(ClaimsPrincipal user) => user.FindFirst(AdminTokens.EmailClaim)?.Value;
}
