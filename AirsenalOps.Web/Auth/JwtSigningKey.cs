using System.Security.Cryptography;
using System.Text;
using AirsenalOps.Core;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AirsenalOps.Web.Auth;

/// <summary>JWT_SECRET, the peer console's HS256 signing secret, and how long a token it signs lasts.</summary>
public sealed record JwtOptions
{
    public const string SecretFileName = "jwt-secret";

    [ConfigurationKeyName("JWT_SECRET")]
    public string? Secret { get; init; }

    /// <summary>Lifetime of an API token in seconds: 12 hours, as the peer's; shorter limits a stolen token.</summary>
    [ConfigurationKeyName("JWT_EXPIRATION_SECONDS")]
    [System.ComponentModel.DataAnnotations.Range(1, 7 * 24 * 3600, ErrorMessage = "JWT_EXPIRATION_SECONDS must be between 1 and 604800 (7 days).")]
    public int ExpirationSeconds { get; init; } = 12 * 3600;
}

/// <summary>
/// The HS256 key for API tokens. JWT_SECRET is required outside Development; in Development a random secret
/// is generated once into DATA_DIR (owner-only) so that <c>dotnet run</c> just works.
/// </summary>
public sealed partial class JwtSigningKey
{
    private readonly Lazy<SymmetricSecurityKey> _key;

    public JwtSigningKey(IOptions<JwtOptions> options, IOptions<StorageOptions> storage, IHostEnvironment environment, ILogger<JwtSigningKey> logger)
    {
        _key = new Lazy<SymmetricSecurityKey>(() => new SymmetricSecurityKey(
            ToHmacKey(Resolve(options.Value, storage.Value, environment, logger))));
    }

    public SymmetricSecurityKey Key => _key.Value;

    /// <summary>
    /// HMAC pads keys shorter than its 64-byte block with zeros, so zero-padding a short secret to 32 bytes
    /// gives the very same signatures as PyJWT, while satisfying IdentityModel's 256-bit minimum. The peer's
    /// short secrets keep working.
    /// </summary>
    internal static byte[] ToHmacKey(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        return bytes.Length >= 32 ? bytes : [.. bytes, .. new byte[32 - bytes.Length]];
    }

    private static string Resolve(JwtOptions options, StorageOptions storage, IHostEnvironment environment, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.Secret))
        {
            return options.Secret;
        }

        if (!environment.IsDevelopment())
        {
            throw new ConfigurationException(
                "JWT_SECRET is not set: it is required outside Development (the key that signs API tokens; use the peer console's value to keep its tokens valid).");
        }

        var file = Path.Combine(storage.DataDirFullPath, JwtOptions.SecretFileName);
        if (OwnerOnlyFile.ReadFirstLine(file) is { Length: > 0 } existing)
        {
            return existing;
        }

        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        OwnerOnlyFile.WriteAllText(file, secret + "\n");
        LogGenerated(logger, file);
        return secret;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "JWT_SECRET is not set: generated a development secret in {File}. Set JWT_SECRET outside Development.")]
    private static partial void LogGenerated(ILogger logger, string file);
}

/// <summary>Resolves the signing key at start, so a missing JWT_SECRET stops the console before it serves.</summary>
internal sealed class JwtSigningKeyCheck(JwtSigningKey key) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = key.Key;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
