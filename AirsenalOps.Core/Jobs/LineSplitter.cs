using System.Text;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// Splits process output into lines on <c>\n</c>, <c>\r\n</c> and <c>\r</c>. Text followed by a lone
/// <c>\r</c> and then overwritten (a tqdm redraw) is reported as a redraw, not as a line, so a bar
/// redrawn a thousand times is stored once, in its final state. A runaway line is kept up to
/// <paramref name="maxLineLength"/> and reported as cut (the second argument), with no marker: by default that is
/// <see cref="JobLogWriter.MaskSlack"/> past the stored length, because the writer masks secrets before it cuts
/// and marks, so a secret across the cut is masked whole instead of leaking its first part.
/// A state being drawn (text after a lone <c>\r</c> that no <c>\r</c> or <c>\n</c> has ended yet) is how tqdm shows a
/// bar while it waits, sometimes for minutes: it goes to <paramref name="drawing"/> at the end of each
/// <see cref="Feed"/> (once per state), so progress is read when it is drawn, not when the next redraw comes.
/// A line also ends right after one of <see cref="EndsAfter"/> (a prompt whose answer the console gave on stdin): a
/// terminal would show the echoed answer and a new line there, while a pipe gets the prompt and the program's next
/// text glued together.
/// </summary>
internal sealed class LineSplitter(Action<string, bool> line, Action<string, bool> redrawn, int maxLineLength = JobLogWriter.MaxLineLength + JobLogWriter.MaskSlack, Action<string, bool>? drawing = null)
{
    /// <summary>Ends a line that was cut.</summary>
    public const string TruncatedMarker = " [line truncated]";

    private readonly StringBuilder _current = new();
    private bool _sawCr;
    private bool _truncated;
    private bool _endedAfterPrompt;

    /// <summary>Texts after which the line ends although no newline follows (prompts the console answered).</summary>
    public IReadOnlyList<string> EndsAfter { get; init; } = [];

    /// <summary>The pending text was started by a redraw (<c>\r</c>), as tqdm draws, not by a newline.</summary>
    private bool _drawn;

    /// <summary>The drawn state last given to <c>drawing</c>, so one state is reported once.</summary>
    private string? _lastDrawing;

    public void Feed(ReadOnlySpan<char> chars)
    {
        while (!chars.IsEmpty)
        {
            if (_endedAfterPrompt)
            {
                // A newline right after the prompt ends the line the prompt already ended: no empty line.
                _endedAfterPrompt = false;
                if (chars[0] == '\n')
                {
                    chars = chars[1..];
                    continue;
                }
            }

            if (_sawCr)
            {
                _sawCr = false;
                if (chars[0] == '\n')
                {
                    EmitLine();
                    chars = chars[1..];
                    continue;
                }

                // The line was redrawn: what was there is only a passing state.
                if (_current.Length > 0)
                {
                    redrawn(_current.ToString(), _truncated);
                    Clear();
                }

                _drawn = true;
            }

            var end = chars.IndexOfAny('\r', '\n');
            if (EndsAfter.Count > 0 && PromptEnd(chars, end < 0 ? chars.Length : end) is var cut and > 0 && (end < 0 || cut < end))
            {
                Append(chars[..cut]);
                EmitLine();
                _endedAfterPrompt = true;
                chars = chars[cut..];
                continue;
            }

            if (end < 0)
            {
                Append(chars);
                break;
            }

            if (chars[end] == '\n' && _current.Length == 0 && !_truncated && end <= maxLineLength)
            {
                // The common case, a whole line inside this chunk: one string, no copy through the builder.
                line(new string(chars[..end]), false);
                _drawn = false;
            }
            else if (chars[end] == '\n')
            {
                Append(chars[..end]);
                EmitLine();
            }
            else
            {
                Append(chars[..end]);
                _sawCr = true;
            }

            chars = chars[(end + 1)..];
        }

        ReportDrawing();
    }

    private void ReportDrawing()
    {
        if (drawing is null || !_drawn || _current.Length == 0)
        {
            return;
        }

        var state = _current.ToString();
        if (!string.Equals(state, _lastDrawing, StringComparison.Ordinal))
        {
            _lastDrawing = state;
            drawing(state, _truncated);
        }
    }

    /// <summary>End of stream: whatever is pending (a final bar state) is a line.</summary>
    public void Finish()
    {
        _sawCr = false;
        _endedAfterPrompt = false;
        if (_current.Length > 0)
        {
            EmitLine();
        }
    }

    /// <summary>
    /// Where in <paramref name="chars"/> (before <paramref name="limit"/>) the first of <see cref="EndsAfter"/> ends,
    /// also when it began in the text already held (the prompt came in two reads); 0 when none does.
    /// </summary>
    private int PromptEnd(ReadOnlySpan<char> chars, int limit)
    {
        var first = 0;
        foreach (var text in EndsAfter)
        {
            var found = chars[..limit].IndexOf(text.AsSpan(), StringComparison.Ordinal);
            var at = found < 0 ? 0 : found + text.Length;
            for (var held = Math.Min(text.Length - 1, _current.Length); held > 0; held--)
            {
                var rest = text.Length - held;
                if (rest <= limit && chars.StartsWith(text.AsSpan(held), StringComparison.Ordinal) && HeldEndsWith(text.AsSpan(0, held)))
                {
                    at = rest;
                    break;
                }
            }

            if (at > 0 && (first == 0 || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    private bool HeldEndsWith(ReadOnlySpan<char> text)
    {
        var start = _current.Length - text.Length;
        for (var i = 0; i < text.Length; i++)
        {
            if (_current[start + i] != text[i])
            {
                return false;
            }
        }

        return true;
    }

    private void Append(ReadOnlySpan<char> chars)
    {
        var room = maxLineLength - _current.Length;
        if (chars.Length <= room)
        {
            _current.Append(chars);
        }
        else
        {
            // A runaway line (no newline for megabytes) must not grow memory without bound.
            _current.Append(chars[..Math.Max(0, room)]);
            _truncated = true;
        }
    }

    private void EmitLine()
    {
        line(_current.ToString(), _truncated);
        Clear();
    }

    private void Clear()
    {
        _current.Clear();
        _truncated = false;
        _drawn = false;
    }
}
