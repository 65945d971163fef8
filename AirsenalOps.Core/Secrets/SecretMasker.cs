using System.Buffers;

namespace AirsenalOps.Core.Secrets;

/// <summary>Replaces sensitive secret values with *** in text that leaves the process (job logs, messages).</summary>
public sealed class SecretMasker
{
    public const string Mask = "***";

    /// <summary>Keys whose values must never be shown. FPL_TEAM_ID and FPL_LEAGUE_ID are public identifiers.</summary>
    public static readonly IReadOnlySet<string> SensitiveKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "FPL_LOGIN", "FPL_PASSWORD", "APP_ADMIN_PASSWORD_HASH", "AIRSENAL_DB_PASSWORD", "DISCORD_WEBHOOK", "JWT_SECRET", "ENCRYPTION_KEY",
    };

    /// <summary>
    /// Words that make any other secret sensitive by its name: a user's own <c>OPENAI_API_KEY</c> or
    /// <c>SLACK_WEBHOOK_URL</c> reaches a job's environment like the known ones and must be masked too.
    /// </summary>
    private static readonly string[] SensitiveWords =
        ["PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "KEY", "LOGIN", "AUTH", "CREDENTIAL", "PRIVATE", "COOKIE", "SESSION", "WEBHOOK", "API", "DSN", "URL", "CERT"];

    private readonly string[] _values;

    /// <summary>All values in one vectorised search: a line with none of them (nearly every line) costs one scan.</summary>
    private readonly SearchValues<string>? _any;

    public SecretMasker(IEnumerable<string> sensitiveValues)
    {
        // Longest first, so a value that contains another is masked whole. Very short values would
        // mask ordinary words, so they are left out.
        _values = sensitiveValues
            .Where(v => v.Length >= 3)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length)
            .ToArray();
        _any = _values.Length == 0 ? null : SearchValues.Create(_values, StringComparison.Ordinal);
    }

    public static SecretMasker Empty { get; } = new([]);

    /// <summary>A masker for the sensitive entries of a decrypted secret set.</summary>
    public static SecretMasker For(IReadOnlyDictionary<string, string> secrets) =>
        new(secrets.Where(s => IsSensitive(s.Key)).Select(s => s.Value));

    /// <summary>A known sensitive key, or one whose name says it holds a credential.</summary>
    public static bool IsSensitive(string key) =>
        SensitiveKeys.Contains(key)
        || key.Split('_', StringSplitOptions.RemoveEmptyEntries).Any(part => SensitiveWords.Contains(part, StringComparer.OrdinalIgnoreCase));

    public string Apply(string text)
    {
        if (_any is null || text.AsSpan().IndexOfAny(_any) < 0)
        {
            return text;
        }

        foreach (var value in _values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
