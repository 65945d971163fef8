using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>A squad member as the squad builder lists it; price in £m.</summary>
public sealed record SquadMember(string Position, string Name, string Team, double Price);

/// <summary>airsenal_make_squad's result (reference §2.5); also what the optimiser prints for a new team.</summary>
public sealed record SquadOutput(
    string Type,
    double? BestScore,
    IReadOnlyList<SquadMember> Squad,
    double? Bank,
    int? GameweekStart,
    int? GameweekEnd,
    double? TotalScore,
    int? NextGameweek,
    double? ExpectedPoints,
    string? Captain,
    string? ViceCaptain,
    IReadOnlyList<LineupPlayer> StartingLineup,
    IReadOnlyList<BenchPlayer> Bench);

public static partial class SquadParser
{
    /// <summary>The squad the builder chose, or null when the output has none.</summary>
    public static SquadOutput? Parse(IEnumerable<string> rawLines)
    {
        var lines = OutputText.Normalize(rawLines);
        double? best = null, bank = null, total = null, expected = null;
        int? gwStart = null, gwEnd = null, nextGw = null;
        var squad = new List<SquadMember>();
        Lineup? lineup = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (Best().Match(line) is { Success: true } b)
            {
                // A second run in the same output (replay) starts a new squad.
                best = OutputText.ParseDouble(b.Groups[1].Value);
                squad.Clear();
            }
            else if (best is not null && Member().Match(line) is { Success: true } m)
            {
                squad.Add(new SquadMember(m.Groups[1].Value, m.Groups[2].Value.Trim(), m.Groups[3].Value, OutputText.ParseDouble(m.Groups[4].Value)));
            }
            else if (Bank().Match(line) is { Success: true } money)
            {
                bank = OutputText.ParseDouble(money.Groups[1].Value);
            }
            else if (Total().Match(line) is { Success: true } t)
            {
                (gwStart, gwEnd, total) = (OutputText.ParseInt(t.Groups[1].Value), OutputText.ParseInt(t.Groups[2].Value), OutputText.ParseDouble(t.Groups[3].Value));
            }
            else if (Expected().Match(line) is { Success: true } e)
            {
                (nextGw, expected) = (OutputText.ParseInt(e.Groups[1].Value), OutputText.ParseDouble(e.Groups[2].Value));
            }
            else if (total is not null && LineupParser.IsStart(line))
            {
                int end;
                (lineup, end) = LineupParser.Parse(lines, i);
                i = end;
            }
        }

        if (best is null && total is null)
        {
            return null;
        }

        return new SquadOutput("squad", best, squad, bank, gwStart, gwEnd, total, nextGw, expected,
            lineup?.Captain, lineup?.ViceCaptain, lineup?.Starters ?? [], lineup?.Bench ?? []);
    }

    public static JsonObject? ParseToJson(IEnumerable<string> lines) =>
        Parse(lines) is { } output ? OutputText.ToJsonObject(output) : null;

    [GeneratedRegex(@"^Best score: ([\d.eE+-]+) pts$")]
    private static partial Regex Best();

    [GeneratedRegex(@"^(GK|DEF|MID|FWD) (.+) (\w{3}) (\d+(?:\.\d+)?)$")]
    private static partial Regex Member();

    [GeneratedRegex(@"^£(-?[\d.]+)m in the bank")]
    private static partial Regex Bank();

    [GeneratedRegex(@"^Optimised total score \(gameweeks (\d+) to (\d+)\): ([\d.-]+)$")]
    private static partial Regex Total();

    [GeneratedRegex(@"^Expected points for gameweek (\d+): ([\d.-]+)$")]
    private static partial Regex Expected();
}
