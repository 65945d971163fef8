using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>
/// The `claims` collection (ours; the older console never reads it): { key (unique), holder, expires_at }.
/// Dates are the fixed-width ISO strings of <see cref="BsonDates"/>, so comparing them as strings orders them.
/// </summary>
internal sealed class MongoClaimStore(IMongoCollection<BsonDocument> claims) : IClaimStore
{
    private const int DuplicateKey = 11000;
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    public async Task<bool> TryClaimAsync(ClaimRecord claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await claims.InsertOneAsync(ToDocument(claim), cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Code == DuplicateKey)
        {
            // Held already: take it over only if it expired. One document, one atomic update: of several
            // consoles racing here the first write moves expires_at on, and the others' filters no longer match.
            var taken = await claims.UpdateOneAsync(
                Filter.Eq("key", claim.Key) & Filter.Lte("expires_at", BsonDates.Write(now)),
                Builders<BsonDocument>.Update.Set("holder", claim.Holder).Set("expires_at", BsonDates.Write(claim.ExpiresAt)),
                cancellationToken: cancellationToken);
            return taken.ModifiedCount == 1;
        }
    }

    public Task PutAsync(ClaimRecord claim, CancellationToken cancellationToken) =>
        claims.UpdateOneAsync(
            Filter.Eq("key", claim.Key),
            Builders<BsonDocument>.Update.Set("holder", claim.Holder).Set("expires_at", BsonDates.Write(claim.ExpiresAt)),
            new UpdateOptions { IsUpsert = true },
            cancellationToken);

    public async Task<ClaimRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var document = await claims.Find(Filter.Eq("key", key) & Filter.Gt("expires_at", BsonDates.Write(now))).FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? null
            : new ClaimRecord(document["key"].AsString, document.GetValue("holder", string.Empty).ToString()!, BsonDates.Read(document, "expires_at") ?? now);
    }

    public async Task<long> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        (await claims.DeleteManyAsync(Filter.Lte("expires_at", BsonDates.Write(now)), cancellationToken)).DeletedCount;

    private static BsonDocument ToDocument(ClaimRecord claim) => new()
    {
        ["key"] = claim.Key,
        ["holder"] = claim.Holder,
        ["expires_at"] = BsonDates.Write(claim.ExpiresAt),
    };
}
