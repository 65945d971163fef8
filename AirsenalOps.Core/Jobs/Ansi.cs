using System.Text;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// ANSI escape sequences are kept in stored lines (the UI colours them) and stripped for parsing, searching and the
/// plain-text download. Stripping reads sequences as <see cref="AnsiSequence"/> does, as the log view and the secret
/// masker do: the plain text is then exactly the text the view shows and the masker checked (a grammar of its own
/// could join `S3c ESC[h r3t` into a secret the masker never saw).
/// </summary>
public static class Ansi
{
    public static string Strip(string text)
    {
        var at = text.IndexOf(AnsiSequence.Escape, StringComparison.Ordinal);
        if (at < 0)
        {
            return text;
        }

        var plain = new StringBuilder(text.Length);
        var next = 0;
        while (at >= 0)
        {
            plain.Append(text, next, at - next);
            next = at + AnsiSequence.Length(text.AsSpan(at));
            at = next < text.Length ? text.IndexOf(AnsiSequence.Escape, next) : -1;
        }

        return plain.Append(text, next, text.Length - next).ToString();
    }
}
