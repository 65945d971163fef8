using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Core.Secrets;

/// <summary>ENCRYPTION_KEY, the peer console's Fernet key for stored secrets.</summary>
public sealed record SecretsOptions : IValidatableObject
{
    /// <summary>The key file used when ENCRYPTION_KEY is unset, inside DATA_DIR.</summary>
    public const string KeyFileName = "encryption.key";

    [ConfigurationKeyName("ENCRYPTION_KEY")]
    public string? EncryptionKey { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The message must not repeat the value: it is a secret even when malformed.
        if (!string.IsNullOrWhiteSpace(EncryptionKey) && !FernetKey.TryParse(EncryptionKey, out _))
        {
            yield return new ValidationResult(
                "ENCRYPTION_KEY must be a Fernet key (url-safe base64 of 32 bytes, e.g. from Fernet.generate_key()).", ["ENCRYPTION_KEY"]);
        }
    }
}
