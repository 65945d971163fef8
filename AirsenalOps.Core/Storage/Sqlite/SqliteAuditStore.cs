using System.Text.Json;
using AirsenalOps.Core.Audit;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>
/// The `audit_log` table: filter columns plus the entry as JSON. Triggers created with the table make it
/// append-only (see <see cref="Schema"/>).
/// </summary>
internal sealed class SqliteAuditStore(SqliteStorage storage) : IAuditStore
{
    /// <summary>`seq` orders entries of the same instant; the triggers refuse any UPDATE or DELETE.</summary>
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS audit_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            doc TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_audit_at ON audit_log (at);
        CREATE INDEX IF NOT EXISTS ix_audit_action_at ON audit_log (action, at);
        CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        """;

    private const string Where = "WHERE ($action IS NULL OR action = $action) AND ($actor IS NULL OR actor = $actor)";

    public async Task AppendAsync(AuditRecord entry, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO audit_log (id, at, actor, action, doc) VALUES ($id, $at, $actor, $action, $doc);";
        command.Parameters.AddWithValue("$id", entry.Id);
        command.Parameters.AddWithValue("$at", StorageJson.FormatDate(entry.At));
        command.Parameters.AddWithValue("$actor", entry.Actor);
        command.Parameters.AddWithValue("$action", AuditActions.ToText(entry.Action));
        command.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(entry, StorageJson.Options));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT doc FROM audit_log {Where} ORDER BY at DESC, seq DESC LIMIT $limit OFFSET $skip;";
        Bind(command.Parameters, query);
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.Parameters.AddWithValue("$skip", query.Skip);
        var entries = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(JsonSerializer.Deserialize<AuditRecord>(reader.GetString(0), StorageJson.Options)
                ?? throw new InvalidDataException("A stored audit entry is empty."));
        }

        return entries;
    }

    public async Task<long> CountAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM audit_log {Where};";
        Bind(command.Parameters, query);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static void Bind(SqliteParameterCollection parameters, AuditQuery query)
    {
        parameters.AddWithValue("$action", query.Action is { } action ? AuditActions.ToText(action) : DBNull.Value);
        parameters.AddWithValue("$actor", (object?)query.Actor ?? DBNull.Value);
    }
}
