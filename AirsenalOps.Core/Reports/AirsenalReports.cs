using System.Globalization;
using AirsenalOps.Core.Airsenal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Reports;

/// <summary>
/// Read-only reports straight from AIrsenal's SQLite database (reference §5–§6), on the persistent copy:
/// the one a finished job wrote back. Opened read-only, so a report can never change AIrsenal's data.
/// </summary>
public sealed class AirsenalReports(IOptions<AirsenalOptions> options)
{
    public string DatabasePath => Path.GetFullPath(options.Value.PersistentDbPath);

    /// <summary>The newest prediction run (§6.1), optionally within one season.</summary>
    public Task<PredictionTagReport> GetLatestPredictionTagAsync(string? season, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            var (tag, tagSeason) = await LatestTagAsync(connection, season, cancellationToken);
            return await DescribeTagAsync(connection, tag, tagSeason, cancellationToken);
        });

    /// <summary>Predicted points per player per gameweek for a tag (default: the latest), filtered, sorted and paged.</summary>
    public Task<PredictionPage> GetPredictionsAsync(PredictionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return WithConnectionAsync(async connection =>
        {
            PredictionTagReport tag;
            if (query.Tag is null)
            {
                var (latest, season) = await LatestTagAsync(connection, null, cancellationToken);
                tag = await DescribeTagAsync(connection, latest, season, cancellationToken);
            }
            else
            {
                var season = await ScalarAsync<string>(connection,
                    "SELECT f.season FROM player_prediction pp JOIN fixture f ON f.fixture_id = pp.fixture_id WHERE pp.tag = $tag ORDER BY pp.id DESC LIMIT 1",
                    cancellationToken, ("$tag", query.Tag))
                    ?? throw new ReportUnavailableException(ReportProblem.NoData, $"No predictions with tag '{query.Tag}'.");
                tag = await DescribeTagAsync(connection, query.Tag, season, cancellationToken);
            }

            var points = new Dictionary<int, SortedDictionary<int, double>>();
            await using (var command = Command(connection,
                """
                SELECT pp.player_id, f.gameweek, SUM(pp.predicted_points)
                FROM player_prediction pp JOIN fixture f ON f.fixture_id = pp.fixture_id
                WHERE pp.tag = $tag AND f.season = $season AND f.gameweek IS NOT NULL
                GROUP BY pp.player_id, f.gameweek
                """, ("$tag", tag.Tag), ("$season", tag.Season)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var gw = reader.GetInt32(1);
                    if (query.Gameweek is { } only && gw != only)
                    {
                        continue;
                    }

                    if (!points.TryGetValue(reader.GetInt32(0), out var byGw))
                    {
                        points[reader.GetInt32(0)] = byGw = [];
                    }

                    byGw[gw] = Math.Round(reader.GetDouble(2), 3);
                }
            }

            var displayGw = query.Gameweek ?? tag.Gameweeks.FirstOrDefault(1);
            var players = await PlayersAsync(connection, tag.Season, displayGw, points.Keys, cancellationToken);
            var rows = points
                .Select(p => (player: players.GetValueOrDefault(p.Key) ?? Unknown(p.Key), p.Value))
                .Where(p => p.player.Position != "MNG")
                .Select(p => new PlayerPrediction(p.player.PlayerId, p.player.FplApiId, p.player.Name, p.player.Team, p.player.Position, p.player.Price,
                    p.Value, Math.Round(p.Value.Values.Sum(), 3)))
                .Where(p => query.Position is null || string.Equals(p.Position, query.Position, StringComparison.OrdinalIgnoreCase))
                .Where(p => query.Team is null || string.Equals(p.Team, query.Team, StringComparison.OrdinalIgnoreCase))
                .Where(p => query.Search is null || p.Name.Contains(query.Search, StringComparison.OrdinalIgnoreCase))
                .ToList();
            var sorted = Sort(rows, query.Sort, query.Descending).ToList();
            var page = sorted.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList();
            var gameweeks = query.Gameweek is { } g ? [g] : tag.Gameweeks;
            return new PredictionPage(tag.Tag, tag.Season, gameweeks, sorted.Count, query.Page, query.PageSize, page);
        });
    }

    /// <summary>
    /// The newest transfer suggestion (§6.2). With a team, the newest run <em>for that team</em>: AIrsenal's own
    /// query takes the global newest and can then return nothing for a team that ran earlier.
    /// </summary>
    public Task<TransferSuggestionReport> GetLatestTransferSuggestionAsync(int? fplTeamId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            var timestamp = fplTeamId is { } team
                ? await ScalarAsync<string>(connection, "SELECT MAX(timestamp) FROM transfer_suggestion WHERE fpl_team_id = $team", cancellationToken, ("$team", team))
                : await ScalarAsync<string>(connection, "SELECT MAX(timestamp) FROM transfer_suggestion", cancellationToken);
            if (timestamp is null)
            {
                throw new ReportUnavailableException(ReportProblem.NoData,
                    "No transfer suggestions in the AIrsenal database" + (fplTeamId is { } t ? $" for team {t}" : "") + ": run optimize first.");
            }

            var rows = new List<(int PlayerId, int InOrOut, int Gameweek, double Gain, string Season, int Team, string? Chip)>();
            await using (var command = Command(connection,
                "SELECT player_id, in_or_out, gameweek, points_gain, season, fpl_team_id, chip_played FROM transfer_suggestion WHERE timestamp = $ts"
                + (fplTeamId is null ? "" : " AND fpl_team_id = $team") + " ORDER BY gameweek, id",
                ("$ts", timestamp), ("$team", fplTeamId ?? 0)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3), reader.GetString(4), reader.GetInt32(5),
                        reader.IsDBNull(6) ? null : reader.GetString(6)));
                }
            }

            var season = rows[0].Season;
            var players = await PlayersAsync(connection, season, rows[0].Gameweek, rows.Select(r => r.PlayerId), cancellationToken);
            ReportPlayer Player(int id) => players.GetValueOrDefault(id) ?? Unknown(id);
            var gameweeks = rows.GroupBy(r => r.Gameweek)
                .Select(g => new SuggestionGameweek(
                    g.Key,
                    g.Select(r => r.Chip).FirstOrDefault(c => c is not null),
                    g.Where(r => r.InOrOut < 0).Select(r => Player(r.PlayerId)).ToList(),
                    g.Where(r => r.InOrOut > 0).Select(r => Player(r.PlayerId)).ToList()))
                .ToList();
            // A fresh squad is 15 buys and no sales (fill_initial_suggestion_table).
            var newSquad = rows.Count == 15 && rows.All(r => r.InOrOut > 0);
            return new TransferSuggestionReport(timestamp, season, rows[0].Team, rows[0].Gain, newSquad, gameweeks);
        });

    /// <summary>The squad AIrsenal believes <paramref name="fplTeamId"/> has (§6.3); season defaults to the team's newest.</summary>
    public Task<SquadReport> GetSquadAsync(int fplTeamId, string? season, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            season ??= await ScalarAsync<string>(connection, "SELECT MAX(season) FROM \"transaction\" WHERE fpl_team_id = $team", cancellationToken, ("$team", fplTeamId))
                ?? throw new ReportUnavailableException(ReportProblem.NoData,
                    $"AIrsenal has no transactions for team {fplTeamId}: run update_db (or setup_db) with this FPL_TEAM_ID.");
            var squad = new Dictionary<int, (int Price, int Gameweek)>();
            int? lastGw = null;
            await using (var command = Command(connection,
                "SELECT player_id, bought_or_sold, price, gameweek FROM \"transaction\" WHERE fpl_team_id = $team AND season = $season AND free_hit = 0 ORDER BY gameweek, id",
                ("$team", fplTeamId), ("$season", season)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var (player, sign, price, gw) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
                    lastGw = gw;
                    if (sign > 0)
                    {
                        squad[player] = (price, gw);
                    }
                    else
                    {
                        squad.Remove(player);
                    }
                }
            }

            if (squad.Count == 0)
            {
                throw new ReportUnavailableException(ReportProblem.NoData, $"AIrsenal has no squad for team {fplTeamId} in season {season}.");
            }

            var players = await PlayersAsync(connection, season, lastGw ?? 1, squad.Keys, cancellationToken);
            var list = squad
                .Select(s => (player: players.GetValueOrDefault(s.Key) ?? Unknown(s.Key), s.Value))
                .Select(s => new SquadPlayer(s.player.PlayerId, s.player.FplApiId, s.player.Name, s.player.Team, s.player.Position, s.Value.Price / 10.0, s.Value.Gameweek))
                .OrderBy(p => PositionOrder(p.Position)).ThenBy(p => p.Name, StringComparer.Ordinal)
                .ToList();
            return new SquadReport(fplTeamId, season, lastGw, list);
        });

    /// <summary>
    /// Fixtures (opponent, home/away, difficulty), availability and actual points of <paramref name="playerIds"/>
    /// for the gameweeks of prediction run <paramref name="tag"/>, and the run's accuracy on finished gameweeks.
    /// </summary>
    /// <remarks>
    /// AIrsenal keeps no fixture difficulty, so it is rated here from its own result table: the opponent's points
    /// per game this season (3 a win, 1 a draw), in five bands. A gameweek counts as finished once player_score
    /// has rows for it (update_db writes them after the matches).
    /// </remarks>
    public Task<PredictionDetails> GetPredictionDetailsAsync(string tag, IReadOnlyCollection<int> playerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(playerIds);
        return WithConnectionAsync(async connection =>
        {
            var season = await ScalarAsync<string>(connection,
                "SELECT f.season FROM player_prediction pp JOIN fixture f ON f.fixture_id = pp.fixture_id WHERE pp.tag = $tag ORDER BY pp.id DESC LIMIT 1",
                cancellationToken, ("$tag", tag))
                ?? throw new ReportUnavailableException(ReportProblem.NoData, $"No predictions with tag '{tag}'.");
            var run = await DescribeTagAsync(connection, tag, season, cancellationToken);
            var firstGw = run.Gameweeks.FirstOrDefault(1);
            var wanted = playerIds.ToHashSet();
            var players = await PlayersAsync(connection, season, firstGw, wanted, cancellationToken);
            var strength = await TeamStrengthAsync(connection, season, cancellationToken);

            // Fixtures and predicted points of every player of the run: the accuracy needs them all.
            var fixtures = new Dictionary<int, Dictionary<int, List<PredictionFixture>>>();
            var predicted = new Dictionary<(int Player, int Gw), double>();
            await using (var command = Command(connection,
                """
                SELECT pp.player_id, f.gameweek, f.home_team, f.away_team, pp.predicted_points
                FROM player_prediction pp JOIN fixture f ON f.fixture_id = pp.fixture_id
                WHERE pp.tag = $tag AND f.season = $season AND f.gameweek IS NOT NULL
                ORDER BY f.gameweek, f.date, f.fixture_id
                """, ("$tag", tag), ("$season", season)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var (player, gw, home, away) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3));
                    predicted[(player, gw)] = predicted.GetValueOrDefault((player, gw)) + reader.GetDouble(4);
                    if (!wanted.Contains(player) || players.GetValueOrDefault(player)?.Team is not { } team)
                    {
                        continue;
                    }

                    var isHome = string.Equals(team, home, StringComparison.Ordinal);
                    if (!isHome && !string.Equals(team, away, StringComparison.Ordinal))
                    {
                        // The player changed clubs since: his team at this gameweek is not in the fixture.
                        continue;
                    }

                    var opponent = isHome ? away : home;
                    if (!fixtures.TryGetValue(player, out var byGw))
                    {
                        fixtures[player] = byGw = [];
                    }

                    if (!byGw.TryGetValue(gw, out var list))
                    {
                        byGw[gw] = list = [];
                    }

                    list.Add(new PredictionFixture(opponent, isHome, strength.TryGetValue(opponent, out var ppg) ? Difficulty(ppg) : null));
                }
            }

            var actual = new Dictionary<(int Player, int Gw), int>();
            // A database from before the first update_db has no player_score table yet.
            if (await TableExistsAsync(connection, "player_score", cancellationToken))
            {
                await using (var command = Command(connection,
                    """
                    SELECT ps.player_id, f.gameweek, SUM(ps.points) FROM player_score ps JOIN fixture f ON f.fixture_id = ps.fixture_id
                    WHERE f.season = $season AND f.gameweek BETWEEN $first AND $last GROUP BY ps.player_id, f.gameweek
                    """, ("$season", season), ("$first", firstGw), ("$last", run.Gameweeks.LastOrDefault(firstGw))))
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        actual[(reader.GetInt32(0), reader.GetInt32(1))] = reader.GetInt32(2);
                    }
                }
            }

            var accuracy = run.Gameweeks
                .Select(gw => (gw, pairs: predicted.Where(p => p.Key.Gw == gw && actual.ContainsKey(p.Key)).Select(p => (p.Value, Actual: actual[p.Key])).ToList()))
                .Where(x => x.pairs.Count > 0)
                .Select(x => new GameweekAccuracy(x.gw, x.pairs.Count, Math.Round(x.pairs.Sum(p => p.Value), 1), x.pairs.Sum(p => p.Actual),
                    Math.Round(x.pairs.Average(p => Math.Abs(p.Value - p.Actual)), 2)))
                .ToList();

            var availability = await AvailabilityAsync(connection, season, firstGw, wanted, cancellationToken);
            var details = wanted.ToDictionary(id => id, id => new PlayerPredictionDetail(
                id,
                fixtures.TryGetValue(id, out var byGw) ? byGw.ToDictionary(g => g.Key, g => (IReadOnlyList<PredictionFixture>)g.Value) : new Dictionary<int, IReadOnlyList<PredictionFixture>>(),
                availability.GetValueOrDefault(id).News,
                availability.GetValueOrDefault(id).Chance,
                actual.Where(a => a.Key.Player == id).ToDictionary(a => a.Key.Gw, a => a.Value)));
            return new PredictionDetails(details, accuracy, strength.Count > 0);
        });
    }

    // Bands of points per game; an average side takes about 1.4 a game.
    private static int Difficulty(double pointsPerGame) => pointsPerGame switch
    {
        < 0.9 => 1,
        < 1.25 => 2,
        < 1.6 => 3,
        < 2.0 => 4,
        _ => 5,
    };

    /// <summary>Points per game of each team in the season's results (team short name → ppg).</summary>
    private static async Task<Dictionary<string, double>> TeamStrengthAsync(SqliteConnection connection, string season, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<string, (int Points, int Games)>(StringComparer.Ordinal);
        if (!await TableExistsAsync(connection, "result", cancellationToken))
        {
            return [];
        }

        await using var command = Command(connection,
            "SELECT f.home_team, f.away_team, r.home_score, r.away_score FROM result r JOIN fixture f ON f.fixture_id = r.fixture_id WHERE f.season = $season",
            ("$season", season));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (home, away, hs, aws) = (reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3));
            Add(home, hs > aws ? 3 : hs == aws ? 1 : 0);
            Add(away, aws > hs ? 3 : hs == aws ? 1 : 0);
        }

        return totals.ToDictionary(t => t.Key, t => (double)t.Value.Points / t.Value.Games, StringComparer.Ordinal);

        void Add(string team, int points)
        {
            var (p, g) = totals.GetValueOrDefault(team);
            totals[team] = (p + points, g + 1);
        }
    }

    /// <summary>News and chance of playing from the player_attributes row nearest the gameweek (FPL's flags as update_db stored them).</summary>
    private static async Task<bool> TableExistsAsync(SqliteConnection connection, string table, CancellationToken cancellationToken) =>
        await ScalarAsync<long>(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name", cancellationToken, ("$name", table)) > 0;

    private static async Task<Dictionary<int, (string? News, int? Chance)>> AvailabilityAsync(SqliteConnection connection, string season, int gameweek, HashSet<int> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, (string? News, int? Chance)>();
        // Older schemas lack the columns; then there is simply no availability to show.
        var hasNews = await ScalarAsync<long>(connection, "SELECT COUNT(*) FROM pragma_table_info('player_attributes') WHERE name IN ('news', 'chance_of_playing_next_round')", cancellationToken) == 2;
        if (ids.Count == 0 || !hasNews)
        {
            return result;
        }

        await using var command = Command(connection,
            """
            WITH attrs AS (
                SELECT player_id, news, chance_of_playing_next_round,
                       ROW_NUMBER() OVER (PARTITION BY player_id ORDER BY ABS(gameweek - $gw), gameweek DESC) AS rn
                FROM player_attributes WHERE season = $season)
            SELECT player_id, news, chance_of_playing_next_round FROM attrs WHERE rn = 1
            """, ("$gw", gameweek), ("$season", season));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt32(0);
            if (ids.Contains(id))
            {
                var news = reader.IsDBNull(1) ? null : reader.GetString(1);
                result[id] = (string.IsNullOrWhiteSpace(news) ? null : news, reader.IsDBNull(2) ? null : reader.GetInt32(2));
            }
        }

        return result;
    }

    private async Task<T> WithConnectionAsync<T>(Func<SqliteConnection, Task<T>> action)
    {
        var path = DatabasePath;
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            throw new ReportUnavailableException(ReportProblem.DatabaseMissing,
                $"The AIrsenal database does not exist yet at {path}: run setup_db first.");
        }

        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                // Not pooled: the database is replaced by rename after each job and must not stay open.
                Pooling = false,
            }.ToString());
            await connection.OpenAsync();
            return await action(connection);
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            throw new ReportUnavailableException(ReportProblem.NoData, "The AIrsenal database has no tables yet: run setup_db first.", ex);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 26 or 11)
        {
            throw new ReportUnavailableException(ReportProblem.NoData, "The AIrsenal database file is not a valid SQLite database: restore a backup or run setup_db with clean.", ex);
        }
    }

    private static async Task<(string Tag, string Season)> LatestTagAsync(SqliteConnection connection, string? season, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            "SELECT pp.tag, f.season FROM player_prediction pp JOIN fixture f ON f.fixture_id = pp.fixture_id"
            + (season is null ? "" : " WHERE f.season = $season") + " ORDER BY pp.id DESC LIMIT 1",
            ("$season", season ?? ""));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new ReportUnavailableException(ReportProblem.NoData,
                "No predicted points in the AIrsenal database" + (season is null ? "" : $" for season {season}") + ": run predict first.");
        }

        return (reader.GetString(0), reader.GetString(1));
    }

    private static async Task<PredictionTagReport> DescribeTagAsync(SqliteConnection connection, string tag, string season, CancellationToken cancellationToken)
    {
        var gameweeks = new List<int>();
        var count = 0;
        await using var command = Command(connection,
            """
            SELECT f.gameweek, COUNT(*) FROM player_prediction pp JOIN fixture f ON f.fixture_id = pp.fixture_id
            WHERE pp.tag = $tag AND f.season = $season GROUP BY f.gameweek ORDER BY f.gameweek
            """, ("$tag", tag), ("$season", season));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(0))
            {
                gameweeks.Add(reader.GetInt32(0));
            }

            count += reader.GetInt32(1);
        }

        return new PredictionTagReport(tag, season, gameweeks, count);
    }

    /// <summary>
    /// Name, team, position and price of players at a gameweek: the player_attributes row of that gameweek or
    /// the nearest one (AIrsenal interpolates the price between neighbours; the nearest row is close enough here).
    /// </summary>
    private static async Task<Dictionary<int, ReportPlayer>> PlayersAsync(SqliteConnection connection, string season, int gameweek, IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.ToHashSet();
        var result = new Dictionary<int, ReportPlayer>();
        if (wanted.Count == 0)
        {
            return result;
        }

        // display_name (FPL web_name) arrived in later schemas; older databases only have "First Last".
        var hasDisplayName = await ScalarAsync<long>(connection, "SELECT COUNT(*) FROM pragma_table_info('player') WHERE name = 'display_name'", cancellationToken) > 0;
        await using var command = Command(connection,
            $"""
            WITH attrs AS (
                SELECT player_id, team, position, price,
                       ROW_NUMBER() OVER (PARTITION BY player_id ORDER BY ABS(gameweek - $gw), gameweek DESC) AS rn
                FROM player_attributes WHERE season = $season)
            SELECT p.player_id, p.fpl_api_id, {(hasDisplayName ? "COALESCE(p.display_name, p.name)" : "p.name")}, a.team, a.position, a.price
            FROM player p LEFT JOIN attrs a ON a.player_id = p.player_id AND a.rn = 1
            """, ("$gw", gameweek), ("$season", season));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt32(0);
            if (wanted.Contains(id))
            {
                result[id] = new ReportPlayer(
                    id,
                    reader.IsDBNull(1) ? null : reader.GetInt32(1),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetInt32(5) / 10.0);
            }
        }

        return result;
    }

    private static ReportPlayer Unknown(int id) => new(id, null, string.Create(CultureInfo.InvariantCulture, $"Player {id}"), null, null, null);

    private static IEnumerable<PlayerPrediction> Sort(IEnumerable<PlayerPrediction> rows, string key, bool descending)
    {
        IOrderedEnumerable<PlayerPrediction> ordered = key switch
        {
            "price" => descending ? rows.OrderByDescending(p => p.Price ?? double.MinValue) : rows.OrderBy(p => p.Price ?? double.MaxValue),
            "name" => descending ? rows.OrderByDescending(p => p.Name, StringComparer.CurrentCultureIgnoreCase) : rows.OrderBy(p => p.Name, StringComparer.CurrentCultureIgnoreCase),
            "team" => descending ? rows.OrderByDescending(p => p.Team, StringComparer.Ordinal) : rows.OrderBy(p => p.Team, StringComparer.Ordinal),
            "position" => descending ? rows.OrderByDescending(p => PositionOrder(p.Position)) : rows.OrderBy(p => PositionOrder(p.Position)),
            _ => descending ? rows.OrderByDescending(p => p.TotalPoints) : rows.OrderBy(p => p.TotalPoints),
        };
        // A stable tie-break keeps pages consistent between requests.
        return ordered.ThenByDescending(p => p.TotalPoints).ThenBy(p => p.PlayerId);
    }

    private static int PositionOrder(string? position) => position switch
    {
        "GK" => 0,
        "DEF" => 1,
        "MID" => 2,
        "FWD" => 3,
        _ => 4,
    };

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Only fixed fragments are concatenated; every value is a parameter.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static async Task<T?> ScalarAsync<T>(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }
}
