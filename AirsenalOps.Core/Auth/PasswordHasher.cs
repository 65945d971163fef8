using System.Text;
using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Auth;

/// <summary>
/// bcrypt via BCrypt.Net-Next, writing <c>$2b$</c> hashes like Python's <c>bcrypt</c> (the peer's), and
/// verifying <c>$2a$</c>, <c>$2b$</c> and <c>$2y$</c> alike.
/// </summary>
public sealed partial class PasswordHasher(int workFactor = PasswordHasher.DefaultWorkFactor)
{
    public const int DefaultWorkFactor = 12;

    /// <summary>bcrypt reads at most 72 bytes; longer passwords are refused instead of silently cut.</summary>
    public const int MaxPasswordBytes = 72;

    public const int MinPasswordLength = 8;

    [GeneratedRegex(@"^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptPattern();

    public static bool IsBcryptHash(string? hash) => hash is not null && BcryptPattern().IsMatch(hash);

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(workFactor, 'b'));
    }

    /// <summary>False for a wrong password and for anything that is not a bcrypt hash.</summary>
    public static bool Verify(string password, string? hash)
    {
        if (string.IsNullOrEmpty(password) || !IsBcryptHash(hash))
        {
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    /// <summary>Why a new password is refused, or null when it is acceptable.</summary>
    public static string? Problem(string? password) => password switch
    {
        null or "" => "Enter a password.",
        { Length: < MinPasswordLength } => $"Use at least {MinPasswordLength} characters.",
        _ when Encoding.UTF8.GetByteCount(password) > MaxPasswordBytes => $"Use at most {MaxPasswordBytes} bytes (bcrypt ignores the rest).",
        _ => null,
    };
}
