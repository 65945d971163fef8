using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>
/// One row of the `PREDICTED TOP N PLAYERS` block. <paramref name="Rank"/> is the row's place in the whole block
/// (1..N), as the peer console's parser numbered it: its React app keys its rows by it, so it must be unique.
/// <paramref name="PositionRank"/> is the number AIrsenal printed, the rank within the player's position.
/// </summary>
public sealed record PredictedPlayer(int Rank, string Player, double ExpectedPoints, string? Position, double? Price, string Team, int PositionRank);

/// <summary>The prediction summary as the peer console's `predict` output, with more fields.</summary>
public sealed record PredictionOutput(
    string Type,
    DateTimeOffset GeneratedAt,
    JsonObject Parameters,
    string Headline,
    int TopN,
    IReadOnlyList<int> Gameweeks,
    IReadOnlyList<PredictedPlayer> Players,
    string SummaryText);

/// <summary>Reads the final summary of airsenal_run_prediction (reference §2.3).</summary>
public static partial class PredictionParser
{
    /// <summary>The last summary block in the output, or null when there is none.</summary>
    public static PredictionOutput? Parse(IEnumerable<string> rawLines, DateTimeOffset generatedAt, JsonObject? parameters = null)
    {
        var lines = OutputText.Normalize(rawLines);
        var start = -1;
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (Header().IsMatch(lines[i]))
            {
                start = i;
                break;
            }
        }

        if (start < 0)
        {
            return null;
        }

        var header = Header().Match(lines[start]);
        var topN = OutputText.ParseInt(header.Groups[1].Value);
        var gameweeks = header.Groups[2].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(OutputText.ParseInt)
            .ToList();

        // The block starts with the "=====" rule printed just above the header.
        var first = start > 0 && Rule().IsMatch(lines[start - 1]) ? start - 1 : start;
        var players = new List<PredictedPlayer>();
        string? position = null;
        var last = start;
        for (var i = start + 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (PositionHeader().Match(line) is { Success: true } pos)
            {
                position = pos.Groups[1].Value;
            }
            else if (Row().Match(line) is { Success: true } row)
            {
                players.Add(new PredictedPlayer(
                    players.Count + 1,
                    row.Groups[2].Value.Trim(),
                    OutputText.ParseDouble(row.Groups[3].Value),
                    row.Groups[5].Success ? row.Groups[5].Value : position,
                    row.Groups[4].Value == "UNKNOWN_PRICE" ? null : OutputText.ParseDouble(row.Groups[4].Value),
                    row.Groups[6].Value,
                    OutputText.ParseInt(row.Groups[1].Value)));
            }
            else if (line.Length == 0 || Rule().IsMatch(line) || IsNoise(line))
            {
                // Rules, blank lines and interleaved warnings or progress bars belong to no row.
                continue;
            }
            else
            {
                break;
            }

            last = i;
        }

        var summary = string.Join('\n', lines.Skip(first).Take(last - first + 1).Where(l => !IsNoise(l))).Trim();
        var headline = string.Create(CultureInfo.InvariantCulture,
            $"Top {topN} predicted players per position for gameweek{(gameweeks.Count == 1 ? "" : "s")} {string.Join(", ", gameweeks)}");
        return new PredictionOutput("prediction", generatedAt, parameters ?? [], headline, topN, gameweeks, players, summary);
    }

    /// <summary>The prediction summary as the JobRecord.Output document, or null.</summary>
    public static JsonObject? ParseToJson(IEnumerable<string> lines, DateTimeOffset generatedAt, JsonObject? parameters = null) =>
        Parse(lines, generatedAt, parameters) is { } output ? OutputText.ToJsonObject(output) : null;

    /// <summary>Warnings and progress bars that other threads print into the block.</summary>
    internal static bool IsNoise(string line) =>
        line.StartsWith("WARN", StringComparison.Ordinal) || line.Contains("%|", StringComparison.Ordinal)
        || line.Contains("Warning", StringComparison.Ordinal) || line.StartsWith("Discord webhook sent", StringComparison.Ordinal);

    [GeneratedRegex(@"^PREDICTED TOP (\d+) PLAYERS FOR GAMEWEEK\(S\) \[(.*)\]:")]
    private static partial Regex Header();

    [GeneratedRegex(@"^(GK|DEF|MID|FWD):$")]
    private static partial Regex PositionHeader();

    [GeneratedRegex(@"^(\d+)\. (.+), (-?\d+\.\d+)pts \(£([\d.]+|UNKNOWN_PRICE)m, (?:(GK|DEF|MID|FWD), )?(\w{3})\)$")]
    private static partial Regex Row();

    [GeneratedRegex(@"^\s*(=+|-+)\s*$")]
    private static partial Regex Rule();
}
