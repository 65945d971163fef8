namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>Claims keyed by name; dates as fixed-width ISO text, which orders like the instants.</summary>
internal sealed class SqliteClaimStore(SqliteStorage storage) : IClaimStore
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS claims (
            key TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_claims_expires ON claims (expires_at);
        """;

    public async Task<bool> TryClaimAsync(ClaimRecord claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // One statement: a held, unexpired key is left alone and changes nothing.
        command.CommandText = """
            INSERT INTO claims (key, holder, expires_at) VALUES ($key, $holder, $expires)
            ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE claims.expires_at <= $now;
            """;
        Bind(command, claim);
        command.Parameters.AddWithValue("$now", StorageJson.FormatDate(now));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task PutAsync(ClaimRecord claim, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO claims (key, holder, expires_at) VALUES ($key, $holder, $expires)
            ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at;
            """;
        Bind(command, claim);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ClaimRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT holder, expires_at FROM claims WHERE key = $key AND expires_at > $now;";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", StorageJson.FormatDate(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ClaimRecord(key, reader.GetString(0), StorageJson.ParseDate(reader.GetString(1)))
            : null;
    }

    public async Task<long> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM claims WHERE expires_at <= $now;";
        command.Parameters.AddWithValue("$now", StorageJson.FormatDate(now));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Bind(Microsoft.Data.Sqlite.SqliteCommand command, ClaimRecord claim)
    {
        command.Parameters.AddWithValue("$key", claim.Key);
        command.Parameters.AddWithValue("$holder", claim.Holder);
        command.Parameters.AddWithValue("$expires", StorageJson.FormatDate(claim.ExpiresAt));
    }
}
