using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>A transfer pair; either side is null when AIrsenal printed "None".</summary>
public sealed record TransferPair(int? Gameweek, string? In, string? Out);

/// <summary>One gameweek of the optimum strategy.</summary>
public sealed record StrategyGameweek(
    int Gameweek,
    IReadOnlyList<string> TransfersOut,
    IReadOnlyList<string> TransfersIn,
    string? Chip,
    int? PointsHit,
    double? Bank,
    double? PredictedScore);

/// <summary>Which printout the optimiser used: "current" (1.14.4+) or "legacy" (≤1.14.3).</summary>
public enum OptimiserFormat
{
    Current,
    Legacy,
}

/// <summary>The optimiser summary in the peer console's `optimize` shape, with per-gameweek details.</summary>
public sealed record OptimisationOutput(
    string Type,
    OptimiserFormat Format,
    int? TeamId,
    int? FreeTransfers,
    double? BaselinePoints,
    double? BestPoints,
    double? PointsGain,
    double? ExpectedPoints,
    IReadOnlyList<TransferPair> Transfers,
    IReadOnlyList<StrategyGameweek> Gameweeks,
    string? Captain,
    string? ViceCaptain,
    int? LineupGameweek,
    IReadOnlyList<LineupPlayer> StartingLineup,
    IReadOnlyList<BenchPlayer> Bench,
    string SummaryText);

/// <summary>Reads airsenal_run_optimization's final summary in both formats (reference §2.4, §3).</summary>
public static partial class OptimisationParser
{
    /// <summary>The last optimum-strategy summary in the output, or null when there is none.</summary>
    public static OptimisationOutput? Parse(IEnumerable<string> rawLines)
    {
        var lines = OutputText.Normalize(rawLines);
        int? freeTransfers = null;
        int? teamId = null;
        var start = -1;
        OptimiserFormat format = OptimiserFormat.Current;
        for (var i = 0; i < lines.Count; i++)
        {
            if (FreeTransfers().Match(lines[i]) is { Success: true } ft)
            {
                freeTransfers = OutputText.ParseInt(ft.Groups[1].Value);
            }
            else if (RunningFor().Match(lines[i]) is { Success: true } run)
            {
                teamId = OutputText.ParseInt(run.Groups[1].Value);
            }
            else if (lines[i] == "OPTIMUM STRATEGY")
            {
                (start, format) = (i, OptimiserFormat.Current);
            }
            else if (LegacyStart().Match(lines[i]) is { Success: true } legacy)
            {
                (start, format) = (i, OptimiserFormat.Legacy);
                teamId = OutputText.ParseInt(legacy.Groups[1].Value);
            }
        }

        if (start < 0)
        {
            return null;
        }

        var state = new State { TeamId = teamId };
        var end = format == OptimiserFormat.Current ? ReadCurrent(lines, start, state) : ReadLegacy(lines, start, state);
        var first = start > 0 && lines[start - 1].StartsWith("===", StringComparison.Ordinal) ? start - 1 : start;
        var summary = string.Join('\n', lines.Skip(first).Take(end - first + 1).Where(l => !PredictionParser.IsNoise(l))).Trim();
        var gameweeks = state.Gameweeks.Select(g => g.Build()).ToList();
        var transfers = state.Gameweeks
            .SelectMany(g => g.Pairs.Select(p => new TransferPair(g.Gameweek, p.In, p.Out)))
            .ToList();
        var lineup = state.Lineup;
        double? expected = format == OptimiserFormat.Current
            ? gameweeks.FirstOrDefault()?.PredictedScore
            : state.LegacyTotal;
        return new OptimisationOutput(
            "optimisation",
            format,
            state.TeamId,
            freeTransfers,
            state.Baseline,
            state.Best,
            state.Baseline is { } b && state.Best is { } s ? Math.Round(s - b, 4) : null,
            expected,
            transfers,
            gameweeks,
            lineup?.Captain,
            lineup?.ViceCaptain,
            lineup?.Gameweek ?? gameweeks.FirstOrDefault()?.Gameweek,
            lineup?.Starters ?? [],
            lineup?.Bench ?? [],
            summary);
    }

    /// <summary>The optimiser summary as the JobRecord.Output document, or null.</summary>
    public static JsonObject? ParseToJson(IEnumerable<string> lines) =>
        Parse(lines) is { } output ? OutputText.ToJsonObject(output) : null;

    private static int ReadCurrent(IReadOnlyList<string> lines, int start, State state)
    {
        var end = start;
        GameweekBuilder? gw = null;
        for (var i = start + 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (TeamId().Match(line) is { Success: true } team)
            {
                state.TeamId = OutputText.ParseInt(team.Groups[1].Value);
            }
            else if (Baseline().Match(line) is { Success: true } baseline)
            {
                state.Baseline = OutputText.ParseDouble(baseline.Groups[1].Value);
            }
            else if (Best().Match(line) is { Success: true } best)
            {
                state.Best = OutputText.ParseDouble(best.Groups[1].Value);
            }
            else if (Gameweek().Match(line) is { Success: true } g)
            {
                gw = new GameweekBuilder(OutputText.ParseInt(g.Groups[1].Value));
                state.Gameweeks.Add(gw);
            }
            else if (gw is not null && TableRow().Match(line) is { Success: true } row)
            {
                var left = row.Groups[1].Value.Trim();
                var right = row.Groups[2].Value.Trim();
                // The table's left column is OUT and its right column IN; skip the header and "None | None".
                if (left != "Players Out" && (OutputText.NoneAsNull(left) is not null || OutputText.NoneAsNull(right) is not null))
                {
                    gw.Pairs.Add((OutputText.NoneAsNull(right), OutputText.NoneAsNull(left)));
                }
            }
            else if (gw is not null && Chip().Match(line) is { Success: true } chip)
            {
                gw.Chip = OutputText.NoneAsNull(chip.Groups[1].Value);
            }
            else if (gw is not null && Hit().Match(line) is { Success: true } hit)
            {
                gw.PointsHit = OutputText.ParseInt(hit.Groups[1].Value);
            }
            else if (gw is not null && Bank().Match(line) is { Success: true } bank)
            {
                gw.Bank = OutputText.ParseDouble(bank.Groups[1].Value);
            }
            else if (gw is not null && GameweekScore().Match(line) is { Success: true } score)
            {
                gw.PredictedScore = OutputText.ParseDouble(score.Groups[1].Value);
            }
            else if (LineupParser.IsStart(line))
            {
                (state.Lineup, end) = LineupParser.Parse(lines, i);
                return end;
            }
            else if (StopLine(line))
            {
                break;
            }
            else
            {
                continue;
            }

            end = i;
        }

        return end;
    }

    private static int ReadLegacy(IReadOnlyList<string> lines, int start, State state)
    {
        var end = start;
        GameweekBuilder? gw = null;
        var inTable = false;
        for (var i = start + 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (LegacyBaseline().Match(line) is { Success: true } baseline)
            {
                state.Baseline = OutputText.ParseDouble(baseline.Groups[1].Value);
            }
            else if (LegacyBest().Match(line) is { Success: true } best)
            {
                state.Best = OutputText.ParseDouble(best.Groups[1].Value);
            }
            else if (LegacyGameweek().Match(line) is { Success: true } g)
            {
                gw = new GameweekBuilder(OutputText.ParseInt(g.Groups[1].Value));
                state.Gameweeks.Add(gw);
                inTable = false;
            }
            else if (gw is not null && LegacyChip().Match(line) is { Success: true } chip)
            {
                gw.Chip = OutputText.NoneAsNull(chip.Groups[1].Value);
            }
            else if (gw is not null && LegacyHit().Match(line) is { Success: true } hit)
            {
                gw.PointsHit = OutputText.ParseInt(hit.Groups[1].Value);
            }
            else if (gw is not null && line.StartsWith("Players in:", StringComparison.Ordinal))
            {
                continue;
            }
            else if (gw is not null && line.StartsWith("-----------", StringComparison.Ordinal) && line.Contains('\t', StringComparison.Ordinal))
            {
                inTable = true;
            }
            else if (LegacyTotal().Match(line) is { Success: true } total)
            {
                state.LegacyTotal = OutputText.ParseDouble(total.Groups[1].Value);
                inTable = false;
            }
            else if (LineupParser.IsStart(line))
            {
                (state.Lineup, end) = LineupParser.Parse(lines, i);
                return end;
            }
            else if (inTable && gw is not null && line.Length > 0 && !line.StartsWith("===", StringComparison.Ordinal))
            {
                // Legacy rows are "IN<tabs>OUT": the IN column comes first.
                var cells = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var playerIn = cells.Length > 0 ? OutputText.NoneAsNull(cells[0]) : null;
                var playerOut = cells.Length > 1 ? OutputText.NoneAsNull(cells[1]) : null;
                if (playerIn is not null || playerOut is not null)
                {
                    gw.Pairs.Add((playerIn, playerOut));
                }
            }
            else if (line.Length == 0)
            {
                inTable = false;
                continue;
            }
            else if (StopLine(line))
            {
                break;
            }
            else
            {
                continue;
            }

            end = i;
        }

        return end;
    }

    /// <summary>Pipeline stage markers end a summary that has no lineup block.</summary>
    private static bool StopLine(string line) =>
        line.StartsWith("Optimization complete", StringComparison.Ordinal)
        || line.StartsWith("Pipeline finished", StringComparison.Ordinal)
        || line.StartsWith("Applying suggested transfers", StringComparison.Ordinal);

    private sealed class State
    {
        public int? TeamId { get; set; }

        public double? Baseline { get; set; }

        public double? Best { get; set; }

        public double? LegacyTotal { get; set; }

        public List<GameweekBuilder> Gameweeks { get; } = [];

        public Lineup? Lineup { get; set; }
    }

    private sealed class GameweekBuilder(int gameweek)
    {
        public int Gameweek { get; } = gameweek;

        public List<(string? In, string? Out)> Pairs { get; } = [];

        public string? Chip { get; set; }

        public int? PointsHit { get; set; }

        public double? Bank { get; set; }

        public double? PredictedScore { get; set; }

        public StrategyGameweek Build() => new(
            Gameweek,
            Pairs.Where(p => p.Out is not null).Select(p => p.Out!).ToList(),
            Pairs.Where(p => p.In is not null).Select(p => p.In!).ToList(),
            Chip,
            PointsHit,
            Bank,
            PredictedScore);
    }

    [GeneratedRegex(@"^Starting with (\d+) free transfers")]
    private static partial Regex FreeTransfers();

    [GeneratedRegex(@"^Running optimization with fpl_team_id (-?\d+)")]
    private static partial Regex RunningFor();

    [GeneratedRegex(@"^Strategy for Team ID: (-?\d+)")]
    private static partial Regex LegacyStart();

    [GeneratedRegex(@"^Team ID: (-?\d+)")]
    private static partial Regex TeamId();

    [GeneratedRegex(@"^Baseline Score: ([\d.-]+)pts")]
    private static partial Regex Baseline();

    [GeneratedRegex(@"^Score with (?:Strategy|Transfers): ([\d.-]+)pts")]
    private static partial Regex Best();

    [GeneratedRegex(@"^GAMEWEEK (\d+):$")]
    private static partial Regex Gameweek();

    [GeneratedRegex(@"^\| (.+?)\s*\| (.+?)\s*\|$")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^Chip Played: (\w+)")]
    private static partial Regex Chip();

    [GeneratedRegex(@"^Points Hit: (-?\d+)pts")]
    private static partial Regex Hit();

    [GeneratedRegex(@"^Bank: £(-?[\d.]+)m")]
    private static partial Regex Bank();

    [GeneratedRegex(@"^Predicted Score: ([\d.-]+)pts")]
    private static partial Regex GameweekScore();

    [GeneratedRegex(@"^Baseline score: ([\d.eE+-]+)")]
    private static partial Regex LegacyBaseline();

    [GeneratedRegex(@"^Best score: ([\d.eE+-]+)$")]
    private static partial Regex LegacyBest();

    [GeneratedRegex(@"^\s*=+ Gameweek (\d+) =+$")]
    private static partial Regex LegacyGameweek();

    [GeneratedRegex(@"^Chips played:\s+(\w+)")]
    private static partial Regex LegacyChip();

    [GeneratedRegex(@"^Points Hits?: (-?\d+)")]
    private static partial Regex LegacyHit();

    [GeneratedRegex(@"^\s*Total score: (-?[\d.]+)")]
    private static partial Regex LegacyTotal();
}
