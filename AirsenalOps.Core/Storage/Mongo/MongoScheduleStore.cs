using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Driver;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>The `schedules` collection: one document per schedule, the record's JSON with `id` as key.</summary>
internal sealed class MongoScheduleStore(IMongoCollection<BsonDocument> schedules) : ISchedulesStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly JsonWriterSettings RelaxedJson = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    public async Task<IReadOnlyList<ScheduleRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var documents = await schedules.Find(Filter.Empty)
            .Sort(Builders<BsonDocument>.Sort.Ascending("created_at").Ascending("id"))
            .ToListAsync(cancellationToken);
        return documents.Select(FromDocument).ToList();
    }

    public async Task<ScheduleRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var document = await schedules.Find(Filter.Eq("id", id)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : FromDocument(document);
    }

    public Task UpsertAsync(ScheduleRecord schedule, CancellationToken cancellationToken) =>
        schedules.ReplaceOneAsync(
            Filter.Eq("id", schedule.Id),
            BsonDocument.Parse(JsonSerializer.Serialize(schedule, StorageJson.Options)),
            new ReplaceOptions { IsUpsert = true },
            cancellationToken);

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        (await schedules.DeleteOneAsync(Filter.Eq("id", id), cancellationToken)).DeletedCount == 1;

    private static ScheduleRecord FromDocument(BsonDocument document)
    {
        document.Remove("_id");
        return JsonSerializer.Deserialize<ScheduleRecord>(document.ToJson(RelaxedJson), StorageJson.Options)
            ?? throw new InvalidDataException("A stored schedule document is empty.");
    }
}
