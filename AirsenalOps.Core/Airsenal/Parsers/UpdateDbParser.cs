using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AirsenalOps.Core.Airsenal.Jobs;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>
/// What airsenal_update_db did, step by step (reference §2.2). It prints no final line, so each step's
/// marker is the only record. Results and Squad are "updated", "up_to_date", "season_not_started" or null
/// (the step did not run).
/// </summary>
public sealed record UpdateDbOutput(
    string Type,
    bool DatabaseEmpty,
    bool? PlayersUpToDate,
    IReadOnlyList<string> PlayersAdded,
    bool AttributesUpdated,
    bool FixturesUpdated,
    string? Results,
    string? Squad,
    int TransfersIn,
    int TransfersOut);

public static partial class UpdateDbParser
{
    /// <summary>The update's summary, or null when the output has none of its markers.</summary>
    public static UpdateDbOutput? Parse(IEnumerable<string> rawLines)
    {
        var lines = OutputText.Normalize(rawLines);
        var seen = false;
        var empty = false;
        bool? playersUpToDate = null;
        var added = new List<string>();
        bool attributes = false, fixtures = false;
        string? results = null, squad = null;
        int transfersIn = 0, transfersOut = 0;
        foreach (var line in lines)
        {
            var known = true;
            if (line.StartsWith("Database is empty", StringComparison.Ordinal))
            {
                empty = true;
            }
            else if (line.StartsWith("Player table already up-to-date", StringComparison.Ordinal))
            {
                playersUpToDate = true;
            }
            else if (line.StartsWith("Updating player table", StringComparison.Ordinal))
            {
                playersUpToDate = false;
            }
            else if (AddedPlayer().Match(line) is { Success: true } player)
            {
                added.Add(player.Groups[1].Value.Trim());
            }
            else if (line.StartsWith("Updating attributes table", StringComparison.Ordinal))
            {
                attributes = true;
            }
            else if (line.StartsWith("Updating fixture table", StringComparison.Ordinal))
            {
                fixtures = true;
            }
            else if (line.StartsWith("Updating results table", StringComparison.Ordinal))
            {
                results = "updated";
            }
            else if (line.StartsWith("Matches and player-scores already up-to-date", StringComparison.Ordinal))
            {
                results = "up_to_date";
            }
            else if (line.StartsWith("Skipping team and result updates", StringComparison.Ordinal))
            {
                results = "season_not_started";
            }
            else if (line.StartsWith("Team is up-to-date", StringComparison.Ordinal))
            {
                squad = "up_to_date";
            }
            else if (line.StartsWith("No transactions as season hasn't started", StringComparison.Ordinal))
            {
                squad = "season_not_started";
            }
            else if (Transaction().Match(line) is { Success: true } transaction)
            {
                squad = "updated";
                if (transaction.Groups[1].Value == "adding")
                {
                    transfersIn++;
                }
                else
                {
                    transfersOut++;
                }
            }
            else
            {
                known = false;
            }

            seen |= known;
        }

        return seen
            ? new UpdateDbOutput(AirsenalCommandNames.UpdateDb, empty, playersUpToDate, added, attributes, fixtures, results, squad, transfersIn, transfersOut)
            : null;
    }

    public static JsonObject? ParseToJson(IEnumerable<string> lines) =>
        Parse(lines) is { } output ? OutputText.ToJsonObject(output) : null;

    [GeneratedRegex(@"^Adding player (.+)$")]
    private static partial Regex AddedPlayer();

    [GeneratedRegex(@"^Adding transaction: gameweek: \d+ (adding|removing) player")]
    private static partial Regex Transaction();
}
