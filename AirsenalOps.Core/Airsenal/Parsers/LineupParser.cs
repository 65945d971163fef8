using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>A starter in the printed lineup.</summary>
public sealed record LineupPlayer(string Name, string PositionGroup, string Team, bool IsCaptain, bool IsViceCaptain);

/// <summary>A substitute, in the printed bench order (1 = first sub).</summary>
public sealed record BenchPlayer(int Order, string Name, string Team);

/// <summary>The squad block: starting XI by position, captaincy and bench order.</summary>
public sealed record Lineup(int? Gameweek, IReadOnlyList<LineupPlayer> Starters, IReadOnlyList<BenchPlayer> Bench)
{
    public string? Captain => Starters.FirstOrDefault(p => p.IsCaptain)?.Name;

    public string? ViceCaptain => Starters.FirstOrDefault(p => p.IsViceCaptain)?.Name;
}

/// <summary>
/// Reads the squad block shared by the optimiser, the squad builder and set_lineup (reference §2.4):
/// "Starting Lineup for Gameweek N:" (the optimiser, current) or "=== starting 11 ===" (legacy), "== POS =="
/// blocks, "Name (TEAM)(C)" lines, then "=== Subs ===" with the bench in order. make_squad, set_lineup and
/// the pipeline's squad step print the block bare (the real 1.15 printout: dashes, then "== GK ==" at once),
/// so a "== GK ==" line opens a block too.
/// </summary>
public static partial class LineupParser
{
    private const int BenchSize = 4;

    /// <summary>True when <paramref name="line"/> opens a squad block.</summary>
    public static bool IsStart(string line) => Start().IsMatch(line) || line == "== GK ==";

    /// <summary>Parses the block that opens at <paramref name="start"/>; returns it and the index of its last line.</summary>
    public static (Lineup Lineup, int End) Parse(IReadOnlyList<string> lines, int start)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var open = Start().Match(lines[start]);
        int? gameweek = open.Groups[1].Success ? OutputText.ParseInt(open.Groups[1].Value) : null;
        var starters = new List<LineupPlayer>();
        var bench = new List<BenchPlayer>();
        // A bare block opens on its first position header.
        string? position = !open.Success && Position().Match(lines[start]) is { Success: true } first ? first.Groups[1].Value : null;
        var onBench = false;
        var end = start;
        for (var i = start + 1; i < lines.Count && bench.Count < BenchSize; i++)
        {
            var line = lines[i];
            if (Bench().IsMatch(line))
            {
                onBench = true;
            }
            else if (!onBench && Position().Match(line) is { Success: true } pos)
            {
                position = pos.Groups[1].Value;
            }
            else if (Player().Match(line) is { Success: true } player && (onBench || position is not null))
            {
                var name = player.Groups[1].Value.Trim();
                var team = player.Groups[2].Value;
                if (onBench)
                {
                    bench.Add(new BenchPlayer(bench.Count + 1, name, team));
                }
                else
                {
                    var mark = player.Groups[3].Value;
                    starters.Add(new LineupPlayer(name, position!, team, mark == "(C)", mark == "(VC)"));
                }
            }
            else if (line.Length == 0 || Rule().IsMatch(line) || PredictionParser.IsNoise(line))
            {
                continue;
            }
            else
            {
                // Anything else (a stage marker, the next command's output) ends the block.
                break;
            }

            end = i;
        }

        return (new Lineup(gameweek, starters, bench), end);
    }

    [GeneratedRegex(@"^(?:Starting Lineup for Gameweek (\d+):|=== starting 11 ===)$")]
    private static partial Regex Start();

    [GeneratedRegex(@"^=== [Ss]ubs ===$")]
    private static partial Regex Bench();

    [GeneratedRegex(@"^== (GK|DEF|MID|FWD) ==$")]
    private static partial Regex Position();

    [GeneratedRegex(@"^(.+) \((\w{3})\)(\(C\)|\(VC\))?$")]
    private static partial Regex Player();

    [GeneratedRegex(@"^\s*-+\s*$")]
    private static partial Regex Rule();
}
