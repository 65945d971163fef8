namespace AirsenalOps.Core.Storage.Sqlite;

internal sealed class SqliteSecretStore(SqliteStorage storage) : ISecretStore
{
    public Task<IReadOnlyList<SecretRecord>> ListAsync(CancellationToken cancellationToken) =>
        QueryAsync(key: null, cancellationToken);

    public async Task<SecretRecord?> GetAsync(string key, CancellationToken cancellationToken) =>
        (await QueryAsync(key, cancellationToken)).SingleOrDefault();

    private async Task<IReadOnlyList<SecretRecord>> QueryAsync(string? key, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, value, updated_at FROM secrets WHERE $key IS NULL OR key = $key ORDER BY key;";
        command.Parameters.AddWithValue("$key", (object?)key ?? DBNull.Value);
        var secrets = new List<SecretRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            secrets.Add(new SecretRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : StorageJson.ParseDate(reader.GetString(2))));
        }

        return secrets;
    }

    public async Task UpsertAsync(SecretRecord secret, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO secrets (key, value, updated_at) VALUES ($key, $value, $updated)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at;
            """;
        command.Parameters.AddWithValue("$key", secret.Key);
        command.Parameters.AddWithValue("$value", secret.Value);
        command.Parameters.AddWithValue("$updated", secret.UpdatedAt is { } t ? StorageJson.FormatDate(t) : DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM secrets WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
