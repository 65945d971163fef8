using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AirsenalOps.Core.Auth;

namespace AirsenalOps.Core.Secrets;

/// <summary>The secret names the console knows, and the rules every key and value must follow.</summary>
public static partial class SecretKeys
{
    public const string FplTeamId = "FPL_TEAM_ID";
    public const string FplLogin = "FPL_LOGIN";
    public const string FplPassword = "FPL_PASSWORD";
    public const string FplLeagueId = "FPL_LEAGUE_ID";
    public const string AirsenalHome = "AIRSENAL_HOME";
    public const string AdminEmail = "APP_ADMIN_EMAIL";
    public const string AdminPasswordHash = "APP_ADMIN_PASSWORD_HASH";

    /// <summary>A value is at most 4 KB (UTF-8).</summary>
    public const int MaxValueBytes = 4096;

    /// <summary>The AIrsenal settings the Settings page always lists, in this order.</summary>
    public static IReadOnlyList<string> Known { get; } = [FplTeamId, FplLogin, FplPassword, FplLeagueId, AirsenalHome];

    /// <summary>The admin identity the peer keeps in the secrets store. Never handed to jobs.</summary>
    public static IReadOnlyList<string> Admin { get; } = [AdminEmail, AdminPasswordHash];

    public static bool IsAdmin(string key) => Admin.Contains(key, StringComparer.Ordinal);

    [GeneratedRegex("^[A-Z][A-Z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    public static bool IsValidKey(string? key) => key is not null && KeyPattern().IsMatch(key);

    /// <summary>Throws <see cref="SecretValidationException"/> with a message that names the key, never the value.</summary>
    public static void Validate(string? key, string? value)
    {
        if (!IsValidKey(key))
        {
            throw new SecretValidationException(
                "A secret key is 1 to 64 characters: an upper-case letter, then upper-case letters, digits or underscores.");
        }

        if (!IsAdmin(key!) && JobSecretPolicy.Refusal(key!) is { } refusal)
        {
            throw new SecretValidationException(refusal);
        }

        if (value is null)
        {
            throw new SecretValidationException($"{key} needs a value (an empty string clears it).");
        }

        if (Encoding.UTF8.GetByteCount(value) > MaxValueBytes)
        {
            throw new SecretValidationException($"The value of {key} is longer than {MaxValueBytes} bytes.");
        }

        if (value.Length == 0)
        {
            return;
        }

        switch (key)
        {
            case FplTeamId when !IsPositiveInteger(value):
                throw new SecretValidationException($"{FplTeamId} must be a positive whole number (your FPL team's ID).");
            case AdminEmail when !AdminAccount.LooksLikeEmail(value):
                throw new SecretValidationException($"{AdminEmail} must be an e-mail address.");
            case AdminPasswordHash when !PasswordHasher.IsBcryptHash(value):
                throw new SecretValidationException($"{AdminPasswordHash} must be a bcrypt hash ($2b$...), as POST /api/auth/hash-password returns.");
        }
    }

    private static bool IsPositiveInteger(string value) =>
        value.Trim().All(char.IsAsciiDigit) && long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0;
}
