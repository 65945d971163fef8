using System.Text;

namespace AirsenalOps.Bench;

/// <summary>How a row is judged: against its target, reported only, or not judged at all.</summary>
internal enum Verdict
{
    Info,
    Pass,
    Miss,

    /// <summary>Has a target but is not judged (the MongoDB test server is slow by nature).</summary>
    Reported,
}

internal sealed record ResultRow(string Part, string Metric, string Measured, string Target, Verdict Verdict)
{
    public static ResultRow Info(string part, string metric, string measured) => new(part, metric, measured, string.Empty, Verdict.Info);

    public static ResultRow Judged(string part, string metric, string measured, string target, bool ok) =>
        new(part, metric, measured, target, ok ? Verdict.Pass : Verdict.Miss);

    public static ResultRow NotJudged(string part, string metric, string measured, string target) =>
        new(part, metric, measured, target + " (not judged)", Verdict.Reported);
}

/// <summary>
/// Collects every part's rows and prints them as one markdown table, ready to paste into the README's
/// Performance section (it reads as a plain table in a terminal too).
/// </summary>
internal sealed class ResultTable
{
    private static readonly string[] Headers = ["part", "metric", "measured", "target", "verdict"];
    private readonly List<ResultRow> _rows = [];

    public void Add(ResultRow row)
    {
        _rows.Add(row);
        // Progress as it happens: a full run takes minutes, and a part that fails later keeps what it printed.
        Console.Error.WriteLine($"  {row.Part}: {row.Metric} = {row.Measured}{(row.Verdict is Verdict.Pass or Verdict.Miss ? " [" + VerdictText(row.Verdict) + "]" : string.Empty)}");
    }

    public void AddRange(IEnumerable<ResultRow> rows)
    {
        foreach (var row in rows)
        {
            Add(row);
        }
    }

    public int Misses => _rows.Count(r => r.Verdict == Verdict.Miss);

    public string ToMarkdown()
    {
        var cells = _rows.Select(r => new[] { r.Part, r.Metric, r.Measured, r.Target, VerdictText(r.Verdict) }).ToList();
        var widths = Headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        var text = new StringBuilder();
        text.AppendLine(Line(Headers, widths));
        text.AppendLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in cells)
        {
            text.AppendLine(Line(row, widths));
        }

        return text.ToString();

        static string Line(IReadOnlyList<string> values, int[] widths) =>
            "| " + string.Join(" | ", values.Select((v, i) => v.PadRight(widths[i]))) + " |";
    }

    private static string VerdictText(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "PASS",
        Verdict.Miss => "MISS",
        Verdict.Reported => "report",
        _ => string.Empty,
    };
}
