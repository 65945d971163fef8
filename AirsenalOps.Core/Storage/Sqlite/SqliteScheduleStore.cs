using System.Text.Json;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>Schedules as JSON documents keyed by id.</summary>
internal sealed class SqliteScheduleStore(SqliteStorage storage) : ISchedulesStore
{
    public async Task<IReadOnlyList<ScheduleRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT doc FROM schedules ORDER BY created_at, id;";
        var schedules = new List<ScheduleRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            schedules.Add(Deserialize(reader.GetString(0)));
        }

        return schedules;
    }

    public async Task<ScheduleRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT doc FROM schedules WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is string doc ? Deserialize(doc) : null;
    }

    public async Task UpsertAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO schedules (id, created_at, doc) VALUES ($id, $created, $doc)
            ON CONFLICT (id) DO UPDATE SET doc = excluded.doc;
            """;
        command.Parameters.AddWithValue("$id", schedule.Id);
        command.Parameters.AddWithValue("$created", StorageJson.FormatDate(schedule.CreatedAt));
        command.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(schedule, StorageJson.Options));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM schedules WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static ScheduleRecord Deserialize(string doc) =>
        JsonSerializer.Deserialize<ScheduleRecord>(doc, StorageJson.Options)
        ?? throw new InvalidDataException("A stored schedule document is empty.");
}
