using System.Globalization;
using System.Text;
using AirsenalOps.Core.Jobs;

namespace AirsenalOps.Web.Components.Common;

/// <summary>A run of text with one look: CSS classes for the 16 standard colours, a style for 256/true colours.</summary>
public sealed record AnsiSegment(string Text, string? CssClass, string? Style);

/// <summary>
/// Splits a log line carrying ANSI SGR codes (colours, bold, underline) into styled segments. The
/// text is rendered as text, never as markup, so a log line cannot inject HTML. Escape sequences
/// other than SGR (cursor moves, titles) are dropped; what is not a sequence (see <see cref="AnsiSequence"/>:
/// an unterminated OSC, a stray `ESC [`, one over the length cap) shows as text, only its ESC dropped.
/// </summary>
public static class AnsiText
{
    private const char Escape = AnsiSequence.Escape;

    public static IReadOnlyList<AnsiSegment> Parse(string line)
    {
        if (!line.Contains(Escape, StringComparison.Ordinal))
        {
            return line.Length == 0 ? [] : [new AnsiSegment(line, null, null)];
        }

        var segments = new List<AnsiSegment>();
        var state = new SgrState();
        var text = new StringBuilder();
        var i = 0;
        while (i < line.Length)
        {
            if (line[i] != Escape)
            {
                text.Append(line[i++]);
                continue;
            }

            Flush(segments, text, state);
            i = SkipSequence(line, i, state);
        }

        Flush(segments, text, state);
        return segments;
    }

    /// <summary>Reads one escape sequence at <paramref name="start"/>, applies it if it is SGR, returns the index after it.</summary>
    private static int SkipSequence(string line, int start, SgrState state)
    {
        var rest = line.AsSpan(start);
        var length = AnsiSequence.Length(rest);
        if (AnsiSequence.IsSgr(rest, length))
        {
            state.Apply(line[(start + 2)..(start + length - 1)]);
        }

        return start + length;
    }

    private static void Flush(List<AnsiSegment> segments, StringBuilder text, SgrState state)
    {
        if (text.Length == 0)
        {
            return;
        }

        segments.Add(new AnsiSegment(text.ToString(), state.CssClass(), state.Style()));
        text.Clear();
    }

    private sealed class SgrState
    {
        private string? _foreground;
        private string? _background;
        private string? _foregroundStyle;
        private string? _backgroundStyle;
        private bool _bold;
        private bool _dim;
        private bool _italic;
        private bool _underline;

        public void Apply(string parameters)
        {
            var codes = parameters.Length == 0
                ? [0]
                : parameters.Split(';').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).ToArray();
            for (var k = 0; k < codes.Length; k++)
            {
                var code = codes[k];
                switch (code)
                {
                    case 0:
                        Reset();
                        break;
                    case 1:
                        _bold = true;
                        break;
                    case 2:
                        _dim = true;
                        break;
                    case 3:
                        _italic = true;
                        break;
                    case 4:
                        _underline = true;
                        break;
                    case 22:
                        _bold = _dim = false;
                        break;
                    case 23:
                        _italic = false;
                        break;
                    case 24:
                        _underline = false;
                        break;
                    case >= 30 and <= 37:
                        (_foreground, _foregroundStyle) = ("ansi-fg-" + (code - 30), null);
                        break;
                    case >= 90 and <= 97:
                        (_foreground, _foregroundStyle) = ("ansi-fg-" + (code - 90 + 8), null);
                        break;
                    case 39:
                        (_foreground, _foregroundStyle) = (null, null);
                        break;
                    case >= 40 and <= 47:
                        (_background, _backgroundStyle) = ("ansi-bg-" + (code - 40), null);
                        break;
                    case >= 100 and <= 107:
                        (_background, _backgroundStyle) = ("ansi-bg-" + (code - 100 + 8), null);
                        break;
                    case 49:
                        (_background, _backgroundStyle) = (null, null);
                        break;
                    case 38 or 48:
                        var colour = ExtendedColour(codes, ref k);
                        if (code == 38)
                        {
                            (_foreground, _foregroundStyle) = (null, colour);
                        }
                        else
                        {
                            (_background, _backgroundStyle) = (null, colour);
                        }

                        break;
                }
            }
        }

        public string? CssClass()
        {
            var classes = new List<string>(4);
            AddIf(classes, _foreground);
            AddIf(classes, _background);
            AddIf(classes, _bold ? "ansi-bold" : null);
            AddIf(classes, _dim ? "ansi-dim" : null);
            AddIf(classes, _italic ? "ansi-italic" : null);
            AddIf(classes, _underline ? "ansi-underline" : null);
            return classes.Count == 0 ? null : string.Join(' ', classes);
        }

        public string? Style()
        {
            var fg = _foregroundStyle is null ? null : "color:" + _foregroundStyle;
            var bg = _backgroundStyle is null ? null : "background-color:" + _backgroundStyle;
            return (fg, bg) switch
            {
                (null, null) => null,
                (_, null) => fg,
                (null, _) => bg,
                _ => fg + ";" + bg,
            };
        }

        private static void AddIf(List<string> classes, string? value)
        {
            if (value is not null)
            {
                classes.Add(value);
            }
        }

        private void Reset()
        {
            _foreground = _background = _foregroundStyle = _backgroundStyle = null;
            _bold = _dim = _italic = _underline = false;
        }

        /// <summary>38;5;n (256 colours) or 38;2;r;g;b (true colour); advances past the arguments it used.</summary>
        private static string? ExtendedColour(int[] codes, ref int k)
        {
            if (k + 2 < codes.Length && codes[k + 1] == 5)
            {
                var index = codes[k + 2];
                k += 2;
                return index is >= 0 and <= 255 ? Palette256(index) : null;
            }

            if (k + 4 < codes.Length && codes[k + 1] == 2)
            {
                var (r, g, b) = (Clamp(codes[k + 2]), Clamp(codes[k + 3]), Clamp(codes[k + 4]));
                k += 4;
                return $"rgb({r},{g},{b})";
            }

            return null;
        }

        private static int Clamp(int value) => Math.Clamp(value, 0, 255);

        private static string Palette256(int index)
        {
            if (index < 16)
            {
                return $"var(--ansi-{index})";
            }

            if (index >= 232)
            {
                var grey = 8 + ((index - 232) * 10);
                return $"rgb({grey},{grey},{grey})";
            }

            var cube = index - 16;
            static int Level(int v) => v == 0 ? 0 : 55 + (v * 40);
            return $"rgb({Level(cube / 36)},{Level(cube / 6 % 6)},{Level(cube % 6)})";
        }
    }
}
