using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Logging;

namespace AirsenalOps.Core.Secrets;

/// <summary>What the API and the Settings page may know about a secret: never its value.</summary>
/// <param name="NotPassedReason">Why a job never gets this key (a key stored before the job policy), else null.</param>
public sealed record SecretInfo(string Key, bool IsSet, string MaskedValue, DateTimeOffset? UpdatedAt, bool IsAdminKey, string? NotPassedReason = null);

/// <summary>
/// Secrets at rest: every value written is Fernet-encrypted (except the admin address, which the peer keeps
/// plain), values are read whether encrypted or legacy plain text, and a legacy value becomes encrypted the
/// next time it is written.
/// </summary>
public sealed partial class SecretsService(IStorage storage, SecretCipher cipher, TimeProvider time, AuditLog audit, ILogger<SecretsService> logger) : ISecretReader
{
    /// <summary>Raised after a key is written or deleted (the admin identity cache listens).</summary>
    public event Action<string>? Changed;

    /// <summary>
    /// Another console on the same store wrote <paramref name="key"/> (seen by polling its <c>updated_at</c>): the
    /// listeners drop what they cached, as after a write of this console.
    /// </summary>
    public void OnChangedElsewhere(string key) => Changed?.Invoke(key);

    public async Task<IReadOnlyList<SecretInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var stored = (await storage.Secrets.ListAsync(cancellationToken)).ToDictionary(s => s.Key, StringComparer.Ordinal);
        var keys = SecretKeys.Known
            .Concat(SecretKeys.Admin)
            .Concat(stored.Keys.Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal);
        return keys.Select(key =>
        {
            var record = stored.GetValueOrDefault(key);
            var isSet = !string.IsNullOrEmpty(record?.Value);
            var isAdmin = SecretKeys.IsAdmin(key);
            return new SecretInfo(key, isSet, isSet ? SecretMasker.Mask : string.Empty, record?.UpdatedAt, isAdmin, isAdmin ? null : JobSecretPolicy.Refusal(key));
        }).ToList();
    }

    /// <summary>The decrypted value, or null when the key is not set.</summary>
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var record = await storage.Secrets.GetAsync(key, cancellationToken);
        if (string.IsNullOrEmpty(record?.Value))
        {
            return null;
        }

        var value = cipher.Reveal(record.Value);
        return value.Length == 0 ? null : value;
    }

    /// <summary>Validates and stores a value (empty clears it). Throws <see cref="SecretValidationException"/>.</summary>
    public async Task SetAsync(string key, string value, CancellationToken cancellationToken)
    {
        SecretKeys.Validate(key, value);
        var stored = value.Length == 0 || key == SecretKeys.AdminEmail ? value.Trim() : cipher.Protect(value);
        await storage.Secrets.UpsertAsync(new SecretRecord(key, stored, time.GetUtcNow()), cancellationToken);
        LogSecretWritten(logger, key, value.Length == 0 ? "cleared" : "set");
        // The key only: the value never reaches the audit log.
        await audit.RecordAsync(value.Length == 0 ? AuditAction.SecretCleared : AuditAction.SecretSet, key);
        Changed?.Invoke(key);
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (!SecretKeys.IsValidKey(key))
        {
            throw new SecretValidationException("A secret key is 1 to 64 characters: an upper-case letter, then upper-case letters, digits or underscores.");
        }

        var deleted = await storage.Secrets.DeleteAsync(key, cancellationToken);
        if (deleted)
        {
            LogSecretWritten(logger, key, "deleted");
            await audit.RecordAsync(AuditAction.SecretCleared, key, new Dictionary<string, string> { ["deleted"] = "true" });
            Changed?.Invoke(key);
        }

        return deleted;
    }

    /// <summary>Every set secret except the admin identity, decrypted: the environment of a job.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in await storage.Secrets.ListAsync(cancellationToken))
        {
            if (!SecretKeys.IsAdmin(record.Key) && !string.IsNullOrEmpty(record.Value) && cipher.Reveal(record.Value) is { Length: > 0 } value)
            {
                result[record.Key] = value;
            }
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Secret {Key} {Action}")]
    private static partial void LogSecretWritten(ILogger logger, string key, string action);
}
