using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Web.Components.Pages.Jobs;

/// <summary>
/// The lines a job page shows, in memory, newest last. Bounded: past <see cref="Capacity"/> the oldest
/// lines are dropped from view (they stay stored and in the download). Also keeps the indexes of
/// lines matching the current search, updated as lines arrive.
/// </summary>
public sealed class LogBuffer(int capacity = LogBuffer.DefaultCapacity)
{
    public const int DefaultCapacity = 200_000;

    private readonly List<LogLine> _lines = [];
    private readonly List<LogLine> _matches = [];
    private string? _search;

    public int Capacity { get; } = capacity;

    /// <summary>Lines dropped from the front to stay within <see cref="Capacity"/>.</summary>
    public long Dropped { get; private set; }

    public long LastSeq => _lines.Count == 0 ? 0 : _lines[^1].Seq;

    public string? Search => _search;

    /// <summary>What the list shows: every line, or only the matches while searching.</summary>
    public ICollection<LogLine> Visible => _search is null ? _lines : _matches;

    public int Count => _lines.Count;

    public int MatchCount => _matches.Count;

    public void Append(IReadOnlyList<LogLine> lines)
    {
        foreach (var line in lines)
        {
            if (line.Seq <= LastSeq)
            {
                continue;
            }

            _lines.Add(line);
            if (_search is not null && Matches(line, _search))
            {
                _matches.Add(line);
            }
        }

        var excess = _lines.Count - Capacity;
        if (excess > 0)
        {
            var firstKept = _lines[excess].Seq;
            _lines.RemoveRange(0, excess);
            _matches.RemoveAll(m => m.Seq < firstKept);
            Dropped += excess;
        }
    }

    public void Clear()
    {
        _lines.Clear();
        _matches.Clear();
        Dropped = 0;
    }

    /// <summary>Case-insensitive search in the text without its colour codes; null or blank ends the search.</summary>
    public void SetSearch(string? text)
    {
        _search = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        _matches.Clear();
        if (_search is not null)
        {
            _matches.AddRange(_lines.Where(l => Matches(l, _search)));
        }
    }

    private static bool Matches(LogLine line, string search) =>
        Ansi.Strip(line.Text).Contains(search, StringComparison.OrdinalIgnoreCase);
}
