using System.Buffers;
using System.Text;
using AirsenalOps.Core.Jobs;

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

    /// <summary>The longest value masked (0 when none): a line cut for length keeps this much past the cut while masking.</summary>
    public int LongestValue => _values.Length == 0 ? 0 : _values[0].Length;

    /// <summary>
    /// Masks every value in <paramref name="text"/>, also one that escape codes split (<c>S3c ESC[0m r3t</c>): the
    /// log view hides the codes, so the reader sees the value whole. Such a value becomes *** with its codes kept
    /// after it, so the colours that follow stay as they were.
    /// </summary>
    public string Apply(string text)
    {
        if (_any is null)
        {
            return text;
        }

        if (text.AsSpan().IndexOfAny(_any) >= 0)
        {
            foreach (var value in _values)
            {
                if (text.Contains(value, StringComparison.Ordinal))
                {
                    text = text.Replace(value, Mask, StringComparison.Ordinal);
                }
            }
        }

        return text.Contains(AnsiSequence.Escape, StringComparison.Ordinal) ? MaskVisible(text) : text;
    }

    /// <summary>
    /// For text cut at a length limit (already masked): an end that is the start of a value (the rest of it was cut
    /// off) becomes ***, also when escape codes split that start, as <see cref="Apply"/> sees values. An escape
    /// sequence the cut left unfinished is dropped first: it would show as text, and hide nothing of what precedes it.
    /// </summary>
    public string MaskCutEnd(string text)
    {
        if (_any is null)
        {
            return text;
        }

        var last = text.LastIndexOf(AnsiSequence.Escape);
        if (last >= 0 && text.Length - last < AnsiSequence.MaxStringLength && AnsiSequence.Length(text.AsSpan(last)) == 1)
        {
            text = text[..last];
        }

        var (shown, rawIndex) = Visible(text);
        foreach (var value in _values)
        {
            for (var k = Math.Min(value.Length - 1, shown.Length); k > 0; k--)
            {
                if (shown.AsSpan(shown.Length - k).SequenceEqual(value.AsSpan(0, k)))
                {
                    return string.Concat(text.AsSpan(0, rawIndex[shown.Length - k]), Mask);
                }
            }
        }

        return text;
    }

    /// <summary>
    /// The text as the log view shows it (escape sequences left out, as <see cref="AnsiSequence"/> reads them), and
    /// for each of its characters the index of that character in <paramref name="text"/>.
    /// </summary>
    private static (string Shown, List<int> RawIndex) Visible(string text)
    {
        var visible = new StringBuilder(text.Length);
        var rawIndex = new List<int>(text.Length);
        for (var i = 0; i < text.Length;)
        {
            if (text[i] == AnsiSequence.Escape)
            {
                i += AnsiSequence.Length(text.AsSpan(i));
                continue;
            }

            visible.Append(text[i]);
            rawIndex.Add(i++);
        }

        return (visible.ToString(), rawIndex);
    }

    /// <summary>Masks the values found in the text as shown (see <see cref="Visible"/>).</summary>
    private string MaskVisible(string text)
    {
        var (shown, rawIndex) = Visible(text);
        if (shown.AsSpan().IndexOfAny(_any!) < 0)
        {
            return text;
        }

        // 1: first character of a masked value, 2: the rest of it. Longest values first, never overlapping.
        var marks = new byte[shown.Length];
        foreach (var value in _values)
        {
            for (var at = shown.IndexOf(value, StringComparison.Ordinal); at >= 0; at = shown.IndexOf(value, at + 1, StringComparison.Ordinal))
            {
                if (marks.AsSpan(at, value.Length).IndexOfAnyExcept((byte)0) >= 0)
                {
                    continue;
                }

                marks[at] = 1;
                marks.AsSpan(at + 1, value.Length - 1).Fill(2);
            }
        }

        var masked = new StringBuilder(text.Length);
        var next = 0;
        for (var v = 0; v < shown.Length; v++)
        {
            var raw = rawIndex[v];
            masked.Append(text, next, raw - next); // the escape sequences before this character
            next = raw + 1;
            if (marks[v] == 0)
            {
                masked.Append(text[raw]);
            }
            else if (marks[v] == 1)
            {
                masked.Append(Mask);
            }
        }

        return masked.Append(text, next, text.Length - next).ToString();
    }
}
