using AirsenalOps.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Tests.Integration.Storage;

/// <summary>
/// The test server itself: the MongoDB behaviours tools/mongo-test-server/patch.js restores in
/// CongoDB, checked through the real driver (and true of a real MongoDB too).
/// </summary>
[Collection(MongoServerGroup.Name)]
public sealed class MongoTestServerTests(MongoTestServer server) : IAsyncLifetime
{
    private readonly string _databaseName = server.NewDatabaseName(nameof(MongoTestServerTests));

    private IMongoCollection<BsonDocument> Things =>
        new MongoClient(server.ConnectionString).GetDatabase(_databaseName).GetCollection<BsonDocument>("things");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => new MongoClient(server.ConnectionString).DropDatabaseAsync(_databaseName);

    [Fact]
    public async Task NonObjectIdIds_AreStoredFoundUpdatedAndDeleted()
    {
        var guid = Guid.Parse("6b1f0d3e-42a5-4f5e-9c1a-0d8d3c2f7a11");
        BsonValue[] ids = ["job-1", 42, new BsonBinaryData(guid, GuidRepresentation.Standard)];
        foreach (var id in ids)
        {
            await Things.InsertOneAsync(new BsonDocument { ["_id"] = id, ["n"] = 1 });
        }

        await Assert.ThrowsAsync<MongoWriteException>(() => Things.InsertOneAsync(new BsonDocument { ["_id"] = "job-1" }));
        foreach (var id in ids)
        {
            var filter = Builders<BsonDocument>.Filter.Eq("_id", id);
            await Things.UpdateOneAsync(filter, Builders<BsonDocument>.Update.Inc("n", 1));
            var found = await Things.Find(filter).SingleAsync();
            Assert.Equal(id, found["_id"]);
            Assert.Equal(2, found["n"].ToInt32());
        }

        Assert.Equal(1, (await Things.DeleteOneAsync(Builders<BsonDocument>.Filter.Eq("_id", "job-1"))).DeletedCount);
        Assert.Equal(2, await Things.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
    }

    [Fact]
    public async Task Updates_KeepBinaryDecimalAndInt64Values()
    {
        var guid = Guid.NewGuid();
        await Things.InsertOneAsync(new BsonDocument
        {
            ["_id"] = "a",
            ["guid"] = new BsonBinaryData(guid, GuidRepresentation.Standard),
            ["price"] = new BsonDecimal128(14.5m),
            ["big"] = new BsonInt64(9_007_199_254_740_000),
        });

        var after = await Things.FindOneAndUpdateAsync(
            Builders<BsonDocument>.Filter.Eq("_id", "a"),
            Builders<BsonDocument>.Update.Set("touched", true).Push("tags", "x"),
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After });

        Assert.Equal(guid, after["guid"].AsBsonBinaryData.ToGuid(GuidRepresentation.Standard));
        Assert.Equal(14.5m, Decimal128.ToDecimal(after["price"].AsDecimal128));
        Assert.Equal(9_007_199_254_740_000, after["big"].ToInt64());
    }

    [Fact]
    public async Task UniqueIndexes_RefuseDuplicatesOnInsertAndUpdate_AndFreeKeysOnDelete()
    {
        await Things.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            Builders<BsonDocument>.IndexKeys.Ascending("job_id").Ascending("seq"), new CreateIndexOptions { Unique = true }));
        await Things.InsertManyAsync([
            new BsonDocument { ["job_id"] = "j", ["seq"] = 1 },
            new BsonDocument { ["job_id"] = "j", ["seq"] = 2 },
            new BsonDocument { ["job_id"] = "k", ["seq"] = 1 },
        ]);

        var insert = await Assert.ThrowsAsync<MongoWriteException>(() => Things.InsertOneAsync(new BsonDocument { ["job_id"] = "j", ["seq"] = 2L }));
        Assert.Equal(ServerErrorCategory.DuplicateKey, insert.WriteError.Category);
        var update = await Assert.ThrowsAsync<MongoWriteException>(() => Things.UpdateOneAsync(
            Builders<BsonDocument>.Filter.Eq("job_id", "k"), Builders<BsonDocument>.Update.Set("job_id", "j")));
        Assert.Equal(ServerErrorCategory.DuplicateKey, update.WriteError.Category);

        await Things.DeleteManyAsync(Builders<BsonDocument>.Filter.Eq("job_id", "j"));
        await Things.InsertOneAsync(new BsonDocument { ["job_id"] = "j", ["seq"] = 2 });
        Assert.Equal(2, await Things.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
    }
}
