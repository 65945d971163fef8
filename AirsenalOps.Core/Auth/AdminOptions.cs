using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Core.Auth;

/// <summary>The admin identity from the environment, as the peer console read it. Both or neither.</summary>
public sealed record AdminOptions : IValidatableObject
{
    [ConfigurationKeyName("APP_ADMIN_EMAIL")]
    public string? Email { get; init; }

    [ConfigurationKeyName("APP_ADMIN_PASSWORD_HASH")]
    public string? PasswordHash { get; init; }

    public bool IsSet => !string.IsNullOrWhiteSpace(Email) && !string.IsNullOrWhiteSpace(PasswordHash);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasEmail = !string.IsNullOrWhiteSpace(Email);
        var hasHash = !string.IsNullOrWhiteSpace(PasswordHash);
        if (hasEmail != hasHash)
        {
            yield return new ValidationResult(
                "APP_ADMIN_EMAIL and APP_ADMIN_PASSWORD_HASH must be set together (or both left unset).", ["APP_ADMIN_EMAIL", "APP_ADMIN_PASSWORD_HASH"]);
        }

        if (hasEmail && !AdminAccount.LooksLikeEmail(Email!))
        {
            yield return new ValidationResult("APP_ADMIN_EMAIL must be an e-mail address.", ["APP_ADMIN_EMAIL"]);
        }

        if (hasHash && !PasswordHasher.IsBcryptHash(PasswordHash!.Trim()))
        {
            yield return new ValidationResult(
                "APP_ADMIN_PASSWORD_HASH must be a bcrypt hash ($2b$12$...); POST /api/auth/hash-password makes one.", ["APP_ADMIN_PASSWORD_HASH"]);
        }
    }
}
