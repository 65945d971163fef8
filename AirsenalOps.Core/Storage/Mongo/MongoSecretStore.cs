using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>The peer's `secrets` collection: { key, value, updated_at }.</summary>
internal sealed class MongoSecretStore(IMongoCollection<BsonDocument> secrets) : ISecretStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    public async Task<IReadOnlyList<SecretRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var documents = await secrets.Find(Filter.Empty).Sort(Builders<BsonDocument>.Sort.Ascending("key")).ToListAsync(cancellationToken);
        return documents.Select(ToRecord).ToList();
    }

    public async Task<SecretRecord?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var document = await secrets.Find(Filter.Eq("key", key)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : ToRecord(document);
    }

    public Task UpsertAsync(SecretRecord secret, CancellationToken cancellationToken) =>
        secrets.UpdateOneAsync(
            Filter.Eq("key", secret.Key),
            Builders<BsonDocument>.Update
                .Set("value", secret.Value)
                .Set("updated_at", BsonDates.Write(secret.UpdatedAt)),
            new UpdateOptions { IsUpsert = true },
            cancellationToken);

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        (await secrets.DeleteOneAsync(Filter.Eq("key", key), cancellationToken)).DeletedCount == 1;

    private static SecretRecord ToRecord(BsonDocument document) => new(
        document["key"].AsString,
        document.TryGetValue("value", out var value) && value.IsString ? value.AsString : string.Empty,
        BsonDates.Read(document, "updated_at"));
}
