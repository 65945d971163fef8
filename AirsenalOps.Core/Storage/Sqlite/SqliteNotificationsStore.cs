using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>Webhooks and their delivery log as JSON documents.</summary>
internal sealed class SqliteNotificationsStore(SqliteStorage storage) : INotificationsStore
{
    public async Task<IReadOnlyList<WebhookRecord>> ListWebhooksAsync(CancellationToken cancellationToken) =>
        await QueryAsync<WebhookRecord>("SELECT doc FROM webhooks ORDER BY created_at, id;", _ => { }, cancellationToken);

    public async Task<WebhookRecord?> GetWebhookAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync<WebhookRecord>("SELECT doc FROM webhooks WHERE id = $id;", p => p.AddWithValue("$id", id), cancellationToken)).SingleOrDefault();

    public Task UpsertWebhookAsync(WebhookRecord webhook, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO webhooks (id, created_at, doc) VALUES ($id, $created, $doc) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc;",
            p =>
            {
                p.AddWithValue("$id", webhook.Id);
                p.AddWithValue("$created", StorageJson.FormatDate(webhook.CreatedAt));
                p.AddWithValue("$doc", JsonSerializer.Serialize(webhook, StorageJson.Options));
            },
            cancellationToken);

    public async Task<bool> DeleteWebhookAsync(string id, CancellationToken cancellationToken) =>
        await ExecuteAsync("DELETE FROM webhooks WHERE id = $id;", p => p.AddWithValue("$id", id), cancellationToken) == 1;

    public Task AddDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO webhook_deliveries (id, webhook_id, created_at, doc) VALUES ($id, $webhook, $created, $doc) "
            + "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc;",
            p =>
            {
                p.AddWithValue("$id", delivery.Id);
                p.AddWithValue("$webhook", delivery.WebhookId);
                p.AddWithValue("$created", StorageJson.FormatDate(delivery.CreatedAt));
                p.AddWithValue("$doc", JsonSerializer.Serialize(delivery, StorageJson.Options));
            },
            cancellationToken);

    public async Task<IReadOnlyList<DeliveryRecord>> ListDeliveriesAsync(string? webhookId, int skip, int limit, CancellationToken cancellationToken) =>
        await QueryAsync<DeliveryRecord>(
            "SELECT doc FROM webhook_deliveries WHERE $webhook IS NULL OR webhook_id = $webhook ORDER BY created_at DESC, rowid DESC LIMIT $limit OFFSET $skip;",
            p =>
            {
                p.AddWithValue("$webhook", (object?)webhookId ?? DBNull.Value);
                p.AddWithValue("$limit", limit);
                p.AddWithValue("$skip", skip);
            },
            cancellationToken);

    private async Task<List<T>> QueryAsync<T>(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), StorageJson.Options)
                ?? throw new InvalidDataException("A stored notification document is empty."));
        }

        return rows;
    }

    private async Task<int> ExecuteAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
