using System.Security.Claims;
using AirsenalOps.Core.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AirsenalOps.Web.Auth;

/// <summary>Issues API tokens like the peer: HS256, 12 hours, the admin address in a claim named <c>email</c>.</summary>
public sealed class AdminTokens(JwtSigningKey key, TimeProvider time)
{
    public const string EmailClaim = "email";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public string Issue(string email)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { [EmailClaim] = email },
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
}

public sealed record AdminTokenResult(AdminTokenStatus Status, string? Email, string Detail)
{
    public bool IsValid => Status == AdminTokenStatus.Valid;
}

/// <summary>
/// Checks a token that does not arrive in an Authorization header (the WebSocket's <c>?token=</c>) with the
/// same rules as the API's bearer handler, including "is this the admin".
/// </summary>
public sealed class AdminTokenValidator(IOptionsMonitor<JwtBearerOptions> bearer, AdminAccount admin)
{
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
        return await IsAdminAsync(email, cancellationToken)
            ? new(AdminTokenStatus.Valid, email, "ok")
            : new(AdminTokenStatus.NotAdmin, email, "Not allowed");
    }

    internal async Task<bool> IsAdminAsync(string? email, CancellationToken cancellationToken) =>
        (await admin.GetAsync(cancellationToken))?.Is(email) == true;

    internal static string? EmailOf(ClaimsPrincipal user) => user.FindFirst(AdminTokens.EmailClaim)?.Value;
}
