using Microsoft.Data.Sqlite;

namespace AirsenalOps.Tests.Unit.Reports;

/// <summary>A small AIrsenal database with the reference's schema (§5): 2 teams' worth of players, 3 gameweeks.</summary>
internal sealed class AirsenalDbBuilder : IDisposable
{
    private readonly SqliteConnection _connection;
    private int _fixtureId;
    private int _predictionId;

    public AirsenalDbBuilder(string path, bool withDisplayName = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connection = new SqliteConnection($"Data Source={path};Pooling=False");
        _connection.Open();
        Execute($"""
            CREATE TABLE player (player_id INTEGER PRIMARY KEY AUTOINCREMENT, fpl_api_id INTEGER, name VARCHAR(100) NOT NULL{(withDisplayName ? ", display_name VARCHAR(100)" : "")}, opta_code VARCHAR(100));
            CREATE TABLE player_attributes (id INTEGER PRIMARY KEY AUTOINCREMENT, player_id INTEGER NOT NULL, season VARCHAR(100) NOT NULL, gameweek INTEGER NOT NULL,
                price INTEGER NOT NULL, team VARCHAR(100) NOT NULL, position VARCHAR(100) NOT NULL, chance_of_playing_next_round INTEGER, news VARCHAR(100),
                return_gameweek INTEGER, transfers_balance INTEGER, selected INTEGER, transfers_in INTEGER, transfers_out INTEGER);
            CREATE TABLE fixture (fixture_id INTEGER PRIMARY KEY AUTOINCREMENT, date VARCHAR(100), gameweek INTEGER, home_team VARCHAR(100) NOT NULL,
                away_team VARCHAR(100) NOT NULL, season VARCHAR(100) NOT NULL, tag VARCHAR(100) NOT NULL);
            CREATE TABLE player_prediction (id INTEGER PRIMARY KEY AUTOINCREMENT, fixture_id INTEGER NOT NULL, predicted_points FLOAT NOT NULL,
                tag VARCHAR(100) NOT NULL, player_id INTEGER NOT NULL);
            CREATE TABLE "transaction" (id INTEGER PRIMARY KEY AUTOINCREMENT, player_id INTEGER NOT NULL, gameweek INTEGER NOT NULL, bought_or_sold INTEGER NOT NULL,
                season VARCHAR(100) NOT NULL, time VARCHAR(100) NOT NULL, tag VARCHAR(100) NOT NULL, price INTEGER NOT NULL, free_hit INTEGER NOT NULL, fpl_team_id INTEGER NOT NULL);
            CREATE TABLE transfer_suggestion (id INTEGER PRIMARY KEY AUTOINCREMENT, player_id INTEGER NOT NULL, in_or_out INTEGER NOT NULL, gameweek INTEGER NOT NULL,
                points_gain FLOAT NOT NULL, timestamp VARCHAR(100) NOT NULL, season VARCHAR(100) NOT NULL, fpl_team_id INTEGER NOT NULL, chip_played VARCHAR(100));
            """);
    }

    public int Player(int fplId, string name, string? displayName, string team, string position, int price, string season = "2526", params int[] gameweeks)
    {
        var hasDisplay = Scalar("SELECT COUNT(*) FROM pragma_table_info('player') WHERE name = 'display_name'") > 0;
        var id = (int)Insert(hasDisplay
            ? $"INSERT INTO player (fpl_api_id, name, display_name) VALUES ({fplId}, $name, $display)"
            : $"INSERT INTO player (fpl_api_id, name) VALUES ({fplId}, $name)", ("$name", name), ("$display", (object?)displayName ?? DBNull.Value));
        int[] weeks = gameweeks.Length == 0 ? [1] : gameweeks;
        foreach (var gw in weeks)
        {
            Insert($"INSERT INTO player_attributes (player_id, season, gameweek, price, team, position) VALUES ({id}, '{season}', {gw}, {price + gw - weeks[0]}, $team, $pos)",
                ("$team", team), ("$pos", position));
        }

        return id;
    }

    public int Fixture(int gameweek, string home, string away, string season = "2526") =>
        _fixtureId = (int)Insert($"INSERT INTO fixture (gameweek, home_team, away_team, season, tag) VALUES ({gameweek}, '{home}', '{away}', '{season}', 'latest')");

    public void Prediction(string tag, int playerId, int fixtureId, double points)
    {
        _predictionId = (int)Insert($"INSERT INTO player_prediction (fixture_id, predicted_points, tag, player_id) VALUES ({fixtureId}, {points.ToString(System.Globalization.CultureInfo.InvariantCulture)}, '{tag}', {playerId})");
    }

    public void Transaction(int teamId, int playerId, int gameweek, int boughtOrSold, int price, int freeHit = 0, string season = "2526") =>
        Insert($"INSERT INTO \"transaction\" (player_id, gameweek, bought_or_sold, season, time, tag, price, free_hit, fpl_team_id) VALUES ({playerId}, {gameweek}, {boughtOrSold}, '{season}', '2025-08-15T17:30:00Z', 'AIrsenal{season}', {price}, {freeHit}, {teamId})");

    public void Suggestion(int teamId, int playerId, int inOrOut, int gameweek, double gain, string timestamp, string? chip = null, string season = "2526") =>
        Insert($"INSERT INTO transfer_suggestion (player_id, in_or_out, gameweek, points_gain, timestamp, season, fpl_team_id, chip_played) VALUES ({playerId}, {inOrOut}, {gameweek}, {gain.ToString(System.Globalization.CultureInfo.InvariantCulture)}, '{timestamp}', '{season}', {teamId}, $chip)",
            ("$chip", (object?)chip ?? DBNull.Value));

    public int LastFixture => _fixtureId;

    public int LastPrediction => _predictionId;

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private long Insert(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql + "; SELECT last_insert_rowid();";
        foreach (var (name, value) in parameters)
        {
            if (command.CommandText.Contains(name, StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }

        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// The standard sample: Raya (GK ARS), Saliba (DEF ARS, no display name), Salah (MID LIV), Haaland (FWD MCI),
    /// an assistant manager (MNG); an old tag and a newer tag covering GW 12–14 with a double GW 13 for Salah.
    /// </summary>
    public static SampleIds Sample(string path)
    {
        using var db = new AirsenalDbBuilder(path);
        var raya = db.Player(1, "David Raya Martín", "Raya", "ARS", "GK", 55, "2526", 11, 12);
        var saliba = db.Player(2, "William Saliba", null, "ARS", "DEF", 60, "2526", 12);
        var salah = db.Player(3, "Mohamed Salah", "M.Salah", "LIV", "MID", 130, "2526", 12);
        var haaland = db.Player(4, "Erling Haaland", "Haaland", "MCI", "FWD", 149, "2526", 12);
        var manager = db.Player(5, "Pep Guardiola", "Guardiola", "MCI", "MNG", 15, "2526", 12);
        var f11 = db.Fixture(11, "ARS", "LIV");
        var f12 = db.Fixture(12, "ARS", "MCI");
        var f13a = db.Fixture(13, "LIV", "MCI");
        var f13b = db.Fixture(13, "LIV", "ARS");
        var f14 = db.Fixture(14, "MCI", "ARS");
        foreach (var p in new[] { raya, saliba, salah, haaland })
        {
            db.Prediction("old-tag", p, f11, 1.0);
        }

        db.Prediction("tag-new", raya, f12, 4.5);
        db.Prediction("tag-new", saliba, f12, 5.25);
        db.Prediction("tag-new", salah, f12, 8.0);
        db.Prediction("tag-new", haaland, f12, 9.0);
        db.Prediction("tag-new", manager, f12, 3.0);
        db.Prediction("tag-new", salah, f13a, 6.0);
        db.Prediction("tag-new", salah, f13b, 5.0);
        db.Prediction("tag-new", haaland, f13a, 7.0);
        db.Prediction("tag-new", raya, f14, 3.0);

        db.Transaction(742663, raya, 1, 1, 55);
        db.Transaction(742663, saliba, 1, 1, 60);
        db.Transaction(742663, haaland, 1, 1, 145);
        db.Transaction(742663, haaland, 5, -1, 147);
        db.Transaction(742663, salah, 5, 1, 128);
        db.Transaction(742663, haaland, 8, 1, 149, freeHit: 1);
        db.Transaction(99, raya, 1, 1, 55);

        db.Suggestion(742663, saliba, -1, 12, 6.6, "2026-11-20 10:00:00.123456");
        db.Suggestion(742663, haaland, 1, 12, 6.6, "2026-11-20 10:00:00.123456");
        db.Suggestion(742663, raya, -1, 12, 6.6, "2026-11-27 09:00:00");
        db.Suggestion(742663, salah, 1, 12, 6.6, "2026-11-27 09:00:00", "triple_captain");
        db.Suggestion(742663, saliba, -1, 13, 6.6, "2026-11-27 09:00:00");
        db.Suggestion(742663, haaland, 1, 13, 6.6, "2026-11-27 09:00:00");
        db.Suggestion(99, salah, 1, 12, 1.0, "2026-11-26 09:00:00");
        return new SampleIds(raya, saliba, salah, haaland, manager);
    }
}

internal sealed record SampleIds(int Raya, int Saliba, int Salah, int Haaland, int Manager);
