using System.Text;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// Splits process output into lines on <c>\n</c>, <c>\r\n</c> and <c>\r</c>. Text followed by a lone
/// <c>\r</c> and then overwritten (a tqdm redraw) is reported as a redraw, not as a line, so a bar
/// redrawn a thousand times is stored once, in its final state. A runaway line is kept up to
/// <paramref name="maxLineLength"/> and reported as cut (the second argument), with no marker: by default that is
/// <see cref="JobLogWriter.MaskSlack"/> past the stored length, because the writer masks secrets before it cuts
/// and marks, so a secret across the cut is masked whole instead of leaking its first part.
/// </summary>
internal sealed class LineSplitter(Action<string, bool> line, Action<string, bool> redrawn, int maxLineLength = JobLogWriter.MaxLineLength + JobLogWriter.MaskSlack)
{
    /// <summary>Ends a line that was cut.</summary>
    public const string TruncatedMarker = " [line truncated]";

    private readonly StringBuilder _current = new();
    private bool _sawCr;
    private bool _truncated;

    public void Feed(ReadOnlySpan<char> chars)
    {
        while (!chars.IsEmpty)
        {
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
            }

            var end = chars.IndexOfAny('\r', '\n');
            if (end < 0)
            {
                Append(chars);
                return;
            }

            if (chars[end] == '\n' && _current.Length == 0 && !_truncated && end <= maxLineLength)
            {
                // The common case, a whole line inside this chunk: one string, no copy through the builder.
                line(new string(chars[..end]), false);
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
    }

    /// <summary>End of stream: whatever is pending (a final bar state) is a line.</summary>
    public void Finish()
    {
        _sawCr = false;
        if (_current.Length > 0)
        {
            EmitLine();
        }
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
    }
}
