using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Mongo;
using AirsenalOps.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Tests.Integration.Storage;

/// <summary>MongoDB line documents written before search (no `words`) get their words in the background.</summary>
[Collection(MongoServerGroup.Name)]
public sealed class MongoLogSearchBackfillTests(MongoTestServer server) : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _databaseName = server.NewDatabaseName(nameof(MongoLogSearchBackfillTests));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => new MongoClient(server.ConnectionString).DropDatabaseAsync(_databaseName);

    [Fact]
    public async Task LinesWithoutWords_AreFoundOnceBackfilled_AndSearchSaysItIsPartialUntilThen()
    {
        var storage = new MongoStorage(server.ConnectionString, _databaseName);
        await storage.InitializeAsync(None);
        await storage.Jobs.InsertAsync(new JobRecord { Id = "old-job", Command = "predict", CreatedAt = DateTimeOffset.UnixEpoch }, None);
        var logs = new MongoClient(server.ConnectionString).GetDatabase(_databaseName).GetCollection<BsonDocument>("job_logs");
        await logs.InsertManyAsync(Enumerable.Range(1, 1500).Select(seq => new BsonDocument
        {
            ["job_id"] = "old-job",
            ["seq"] = seq,
            ["ts"] = "2026-01-01T00:00:00+00:00",
            ["stream"] = "stdout",
            ["text"] = $"Transfer {seq}",
        }));
        var search = new LogSearch(storage);

        var early = await search.SearchAsync(new LogSearchRequest("transfer", JobId: "old-job", PageSize: 100), None);
        Assert.True(early!.Partial);

        while (await storage.Logs.IndexForSearchAsync(None) > 0)
        {
        }

        var done = await search.SearchAsync(new LogSearchRequest("TRANSFER", JobId: "old-job", Page: 15, PageSize: 100), None);
        Assert.False(done!.Partial);
        Assert.Equal(Enumerable.Range(1401, 100).Select(i => (long)i), done.Hits.Select(h => h.Line.Seq));
        Assert.Equal("Transfer 1500", done.Hits[^1].Line.Text);
    }
}
