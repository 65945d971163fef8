using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Driver;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>The `webhooks` and `webhook_deliveries` collections: each record's JSON with `id` as key.</summary>
internal sealed class MongoNotificationsStore(IMongoCollection<BsonDocument> webhooks, IMongoCollection<BsonDocument> deliveries) : INotificationsStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly JsonWriterSettings RelaxedJson = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    public async Task<IReadOnlyList<WebhookRecord>> ListWebhooksAsync(CancellationToken cancellationToken)
    {
        var documents = await webhooks.Find(Filter.Empty).Sort(Builders<BsonDocument>.Sort.Ascending("created_at").Ascending("id")).ToListAsync(cancellationToken);
        return documents.Select(Read<WebhookRecord>).ToList();
    }

    public async Task<WebhookRecord?> GetWebhookAsync(string id, CancellationToken cancellationToken)
    {
        var document = await webhooks.Find(Filter.Eq("id", id)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : Read<WebhookRecord>(document);
    }

    public Task UpsertWebhookAsync(WebhookRecord webhook, CancellationToken cancellationToken) =>
        webhooks.ReplaceOneAsync(Filter.Eq("id", webhook.Id), Write(webhook), new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public async Task<bool> DeleteWebhookAsync(string id, CancellationToken cancellationToken) =>
        (await webhooks.DeleteOneAsync(Filter.Eq("id", id), cancellationToken)).DeletedCount == 1;

    public Task AddDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken) =>
        deliveries.ReplaceOneAsync(Filter.Eq("id", delivery.Id), Write(delivery), new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public async Task<IReadOnlyList<DeliveryRecord>> ListDeliveriesAsync(string? webhookId, int skip, int limit, CancellationToken cancellationToken)
    {
        var filter = webhookId is null ? Filter.Empty : Filter.Eq("webhook_id", webhookId);
        var documents = await deliveries.Find(filter)
            .Sort(Builders<BsonDocument>.Sort.Descending("created_at").Descending("_id"))
            .Skip(skip)
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.Select(Read<DeliveryRecord>).ToList();
    }

    private static BsonDocument Write<T>(T record) => BsonDocument.Parse(JsonSerializer.Serialize(record, StorageJson.Options));

    private static T Read<T>(BsonDocument document)
    {
        document.Remove("_id");
        return JsonSerializer.Deserialize<T>(document.ToJson(RelaxedJson), StorageJson.Options)
            ?? throw new InvalidDataException("A stored notification document is empty.");
    }
}
