using System.Text.Json;
using AirsenalOps.Core.Audit;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Driver;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>
/// The `audit_log` collection (new: the peer had none), one document per entry. This adapter only ever
/// inserts; MongoDB itself cannot forbid updates without server-side roles, which are the operator's.
/// </summary>
internal sealed class MongoAuditStore(IMongoCollection<BsonDocument> entries) : IAuditStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly JsonWriterSettings RelaxedJson = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    public Task AppendAsync(AuditRecord entry, CancellationToken cancellationToken) =>
        entries.InsertOneAsync(BsonDocument.Parse(JsonSerializer.Serialize(entry, StorageJson.Options)), cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        // Dates are fixed-width ISO strings, so they sort as text; _id (an ObjectId) orders one instant's entries.
        var documents = await entries.Find(Matching(query))
            .Sort(Builders<BsonDocument>.Sort.Descending("at").Descending("_id"))
            .Skip(query.Skip)
            .Limit(query.Limit)
            .ToListAsync(cancellationToken);
        return documents.Select(Read).ToList();
    }

    public Task<long> CountAsync(AuditQuery query, CancellationToken cancellationToken) =>
        entries.CountDocumentsAsync(Matching(query), cancellationToken: cancellationToken);

    private static FilterDefinition<BsonDocument> Matching(AuditQuery query)
    {
        var filter = Filter.Empty;
        if (query.Action is { } action)
        {
            filter &= Filter.Eq("action", AuditActions.ToText(action));
        }

        if (query.Actor is { } actor)
        {
            filter &= Filter.Eq("actor", actor);
        }

        return filter;
    }

    private static AuditRecord Read(BsonDocument document)
    {
        document.Remove("_id");
        return JsonSerializer.Deserialize<AuditRecord>(document.ToJson(RelaxedJson), StorageJson.Options)
            ?? throw new InvalidDataException("A stored audit entry is empty.");
    }
}
