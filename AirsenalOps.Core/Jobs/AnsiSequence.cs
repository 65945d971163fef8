namespace AirsenalOps.Core.Jobs;

/// <summary>
/// Which characters after an ESC form an escape sequence, shared by the log view (which hides sequences) and the
/// secret masker (which must see the text the view shows). A sequence is read only as far as its grammar allows and
/// never further than a cap: what does not end as a sequence ends is text, and shows. Only the ESC of a stray one
/// is dropped (it has no glyph), so an unterminated OSC cannot hide the rest of a line, and an `ESC [` before
/// ordinary text cannot eat the letter that follows it.
/// </summary>
public static class AnsiSequence
{
    public const char Escape = '\u001b';

    /// <summary>Longest CSI read (ESC and final byte included): a 24-bit SGR for both colours takes about 40.</summary>
    public const int MaxCsiLength = 64;

    /// <summary>Longest OSC/DCS string read (ESC to terminator): room for an OSC 8 link's URL.</summary>
    public const int MaxStringLength = 4096;

    /// <summary>
    /// How many characters, from the ESC at <paramref name="text"/>[0], form one sequence; 1 when they form none
    /// (then only the ESC is dropped and the rest is text).
    /// </summary>
    public static int Length(ReadOnlySpan<char> text)
    {
        if (text.Length < 2)
        {
            return 1;
        }

        return text[1] switch
        {
            '[' => Csi(text),
            ']' or 'P' or 'X' or '^' or '_' => TerminatedString(text),
            '(' or ')' or '*' or '+' => text.Length > 2 && text[2] is >= '0' and <= '~' ? 3 : 1,
            // Fe (ESC @ .. ESC _, the string introducers above excepted), save/restore cursor, keypad modes, reset.
            (>= '@' and <= '_') or '7' or '8' or '=' or '>' or 'c' => 2,
            _ => 1,
        };
    }

    /// <summary>True when the sequence of <paramref name="length"/> characters at <paramref name="text"/>[0] is an SGR (colours).</summary>
    public static bool IsSgr(ReadOnlySpan<char> text, int length) => length >= 3 && text[1] == '[' && text[length - 1] == 'm';

    /// <summary>ESC [ parameters (0-?) intermediates (space-/) final (@-~).</summary>
    private static int Csi(ReadOnlySpan<char> text)
    {
        var limit = Math.Min(text.Length, MaxCsiLength);
        var i = 2;
        while (i < limit && text[i] is >= '0' and <= '?')
        {
            i++;
        }

        var parameters = i - 2;
        while (i < limit && text[i] is >= ' ' and <= '/')
        {
            i++;
        }

        if (i >= limit || text[i] is < '@' or > '~')
        {
            return 1;
        }

        // A lower-case final with no parameters is nearly always text after a stray `ESC [` ("ESC[hello"); the real
        // ones a program prints without parameters are SGR reset and save/restore cursor.
        if (text[i] is >= 'a' and <= 'z' && parameters == 0 && text[i] is not ('m' or 's' or 'u'))
        {
            return 1;
        }

        return i + 1;
    }

    /// <summary>OSC and the other string sequences end at BEL or ST (ESC \) within the cap, else are no sequence.</summary>
    private static int TerminatedString(ReadOnlySpan<char> text)
    {
        var limit = Math.Min(text.Length, MaxStringLength);
        for (var i = 2; i < limit; i++)
        {
            if (text[i] == '\u0007')
            {
                return i + 1;
            }

            if (text[i] == Escape)
            {
                return i + 1 < limit && text[i + 1] == '\\' ? i + 2 : 1;
            }
        }

        return 1;
    }
}
