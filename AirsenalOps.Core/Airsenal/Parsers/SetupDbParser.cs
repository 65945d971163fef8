using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AirsenalOps.Core.Airsenal.Jobs;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>A player of the team's first squad as setup_db records it; price in £m.</summary>
public sealed record InitialSquadPlayer(string Name, int Gameweek, double Price);

/// <summary>
/// What airsenal_setup_initial_db did (reference §2.1): thousands of progress lines boiled down to the
/// seasons loaded, the players added, the team's starting squad and whether it reached "DONE!".
/// </summary>
public sealed record SetupDbOutput(
    string Type,
    bool AlreadyExists,
    bool Cleaned,
    IReadOnlyList<string> Seasons,
    int PlayersAdded,
    IReadOnlyList<InitialSquadPlayer> InitialSquad,
    bool SeasonNotStarted,
    bool Done);

public static partial class SetupDbParser
{
    /// <summary>The setup's summary, or null when the output has none of its markers.</summary>
    public static SetupDbOutput? Parse(IEnumerable<string> rawLines)
    {
        var lines = OutputText.Normalize(rawLines);
        var seen = false;
        bool exists = false, cleaned = false, notStarted = false, done = false;
        var seasons = new List<string>();
        var playersAdded = 0;
        // "PLAYER <season> <name>" per player and season (reference §10): the newest season's lines are the player table.
        var playersBySeason = new Dictionary<string, int>(StringComparer.Ordinal);
        var squad = new List<InitialSquadPlayer>();
        foreach (var line in lines)
        {
            var known = true;
            if (line.StartsWith("AIrsenal database already exists", StringComparison.Ordinal))
            {
                exists = true;
            }
            else if (line.StartsWith("Cleaning database", StringComparison.Ordinal))
            {
                cleaned = true;
            }
            else if (Season().Match(line) is { Success: true } season)
            {
                if (!seasons.Contains(season.Groups[1].Value))
                {
                    seasons.Add(season.Groups[1].Value);
                }
            }
            else if (line.StartsWith("Adding new player ", StringComparison.Ordinal))
            {
                // Past-season players missing from the FPL API are added on top of the current ones.
                playersAdded++;
            }
            else if (SeasonPlayer().Match(line) is { Success: true } seasonPlayer)
            {
                var key = seasonPlayer.Groups[1].Value;
                playersBySeason[key] = playersBySeason.GetValueOrDefault(key) + 1;
            }
            else if (SquadPlayer().Match(line) is { Success: true } player)
            {
                squad.Add(new InitialSquadPlayer(player.Groups[1].Value.Trim(), OutputText.ParseInt(player.Groups[2].Value), OutputText.ParseDouble(player.Groups[3].Value)));
            }
            else if (line.StartsWith("Season hasn't started yet", StringComparison.Ordinal))
            {
                notStarted = true;
            }
            else if (line == "DONE!")
            {
                done = true;
            }
            else
            {
                known = false;
            }

            seen |= known;
        }

        if (playersBySeason.Count > 0)
        {
            playersAdded += playersBySeason.MaxBy(p => p.Key, StringComparer.Ordinal).Value;
        }

        return seen ? new SetupDbOutput(AirsenalCommandNames.SetupDb, exists, cleaned, seasons, playersAdded, squad, notStarted, done) : null;
    }

    public static JsonObject? ParseToJson(IEnumerable<string> lines) =>
        Parse(lines) is { } output ? OutputText.ToJsonObject(output) : null;

    [GeneratedRegex(@"^FIFA RATINGS (\d{4})$")]
    private static partial Regex Season();

    [GeneratedRegex(@"^PLAYER (\d{4}) \S")]
    private static partial Regex SeasonPlayer();

    [GeneratedRegex(@"^Adding player (.+) in GW(\d+) for £([\d.]+)m$")]
    private static partial Regex SquadPlayer();
}
