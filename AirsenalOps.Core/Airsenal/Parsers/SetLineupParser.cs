using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>
/// airsenal_set_lineup's result (reference §2.7): the team, the lineup it chose (the bare squad block) and whether
/// FPL was changed: true after "Lineup set!", false after "Not proceeding with lineup update", null when neither printed.
/// </summary>
public sealed record LineupOutput(
    string Type,
    int? TeamId,
    string? Captain,
    string? ViceCaptain,
    IReadOnlyList<LineupPlayer> StartingLineup,
    IReadOnlyList<BenchPlayer> Bench,
    bool? Applied);

public static partial class SetLineupParser
{
    /// <summary>The lineup set_lineup printed, or null when the output has no squad block.</summary>
    public static LineupOutput? Parse(IEnumerable<string> rawLines)
    {
        var lines = OutputText.Normalize(rawLines);
        int? teamId = null;
        Lineup? lineup = null;
        bool? applied = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (TeamLine().Match(line) is { Success: true } team)
            {
                teamId = OutputText.ParseInt(team.Groups[1].Value);
            }
            else if (lineup is null && LineupParser.IsStart(line))
            {
                int end;
                (lineup, end) = LineupParser.Parse(lines, i);
                i = end;
            }
            else if (line.Contains("Lineup set!", StringComparison.Ordinal))
            {
                applied = true;
            }
            else if (line.Contains("Not proceeding with lineup update", StringComparison.Ordinal))
            {
                applied = false;
            }
        }

        return lineup is { Starters.Count: > 0 }
            ? new LineupOutput("lineup", teamId, lineup.Captain, lineup.ViceCaptain, lineup.Starters, lineup.Bench, applied)
            : null;
    }

    public static JsonObject? ParseToJson(IEnumerable<string> lines) =>
        Parse(lines) is { } output ? OutputText.ToJsonObject(output) : null;

    [GeneratedRegex(@"^fpl_team_id is (-?\d+)")]
    private static partial Regex TeamLine();
}
