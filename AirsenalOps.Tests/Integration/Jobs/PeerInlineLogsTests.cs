using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>
/// A job the older console wrote keeps its lines inside the document (`logs`). The Mongo log store presents them as
/// lines 1..N, so every face of the console shows the same numbered log: the job's API shape, the paged API, the
/// download, the WebSocket, the job page's feed, and deleting.
/// </summary>
[Collection(MongoServerGroup.Name)]
public sealed class PeerInlineLogsTests : IAsyncLifetime, IDisposable
{
    private const string Id = "2f1c6a86-2a4c-4a4e-9d7e-0f8f2b2b7c11";
    private readonly MongoTestServer _server;
    private readonly string _database;
    private readonly JobsFactory _factory;

    public PeerInlineLogsTests(MongoTestServer server)
    {
        _server = server;
        _database = server.NewDatabaseName(nameof(PeerInlineLogsTests));
        _factory = new JobsFactory(new Dictionary<string, string?> { ["MONGO_URL"] = server.ConnectionString, ["DB_NAME"] = _database });
    }

    public async Task InitializeAsync()
    {
        _ = _factory.Server;
        // As the FastAPI console wrote it: ObjectId _id, ISO strings, inline logs, none of our fields.
        await new MongoClient(_server.ConnectionString).GetDatabase(_database).GetCollection<BsonDocument>("jobs").InsertOneAsync(new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["id"] = Id,
            ["command"] = "update_db",
            ["parameters"] = new BsonDocument(),
            ["status"] = "completed",
            ["logs"] = new BsonArray { "old line 1", "old line 2", "old line 3" },
            ["output"] = BsonNull.Value,
            ["error"] = BsonNull.Value,
            ["retry_count"] = 0,
            ["max_retries"] = 3,
            ["created_at"] = "2025-09-01T10:00:00.123456",
            ["started_at"] = "2025-09-01T10:00:01",
            ["completed_at"] = "2025-09-01T10:05:00",
        });
    }

    public Task DisposeAsync() => new MongoClient(_server.ConnectionString).DropDatabaseAsync(_database);

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task InlineLines_AreLinesOneToN_InTheApiTheDownloadTheSocketAndThePageFeed()
    {
        using var client = await _factory.AdminClientAsync();

        var job = (await client.GetFromJsonAsync<JsonObject>($"/api/jobs/{Id}"))!;
        Assert.Equal(["old line 1", "old line 2", "old line 3"], job["logs"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(3, job["log_count"]!.GetValue<long>());

        var page = (await client.GetFromJsonAsync<JsonObject>($"/api/jobs/{Id}/logs?after=1&limit=1"))!;
        var line = Assert.Single(page["lines"]!.AsArray())!;
        Assert.Equal(2, line["seq"]!.GetValue<long>());
        Assert.Equal("stdout", line["source"]!.GetValue<string>());
        Assert.Equal(2, page["next_after"]!.GetValue<long>());
        Assert.Equal(3, page["log_count"]!.GetValue<long>());

        Assert.Equal("old line 1\nold line 2\nold line 3\n", await client.GetStringAsync($"/api/jobs/{Id}/logs.txt"));

        using var socket = await _factory.Server.CreateWebSocketClient()
            .ConnectAsync(new Uri(_factory.Server.BaseAddress, $"/ws/jobs/{Id}?token={await _factory.TokenAsync()}"), Timeout());
        var messages = await JobsWebSocketTests.ReceiveUntilAsync(socket, m => m["type"]!.GetValue<string>() == "status", Timeout());
        var logs = messages.Where(m => m["type"]!.GetValue<string>() == "log").ToList();
        Assert.Equal([1L, 2L, 3L], logs.Select(m => m["seq"]!.GetValue<long>()));
        Assert.Equal("old line 1", logs[0]["message"]!.GetValue<string>());
        Assert.Equal("completed", messages[^1]["status"]!.GetValue<string>());

        // The job page's live feed (the same stream the page renders).
        var fed = new List<long>();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Timeout());
        await foreach (var e in _factory.Jobs.WatchAsync(Id, 0, watching.Token))
        {
            if (e is JobLinesEvent lines)
            {
                fed.AddRange(lines.Lines.Select(l => l.Seq));
            }

            if (fed.Count >= 3)
            {
                break;
            }
        }

        Assert.Equal([1L, 2L, 3L], fed);
    }

    [Fact]
    public async Task DeletingTheLog_EmptiesTheInlineLines_AndTheFieldStays()
    {
        using var client = await _factory.AdminClientAsync();

        var deleted = await client.DeleteAsync($"/api/jobs/{Id}/logs");
        deleted.EnsureSuccessStatusCode();

        Assert.Equal(0, await _factory.Jobs.CountLogsAsync(Id, CancellationToken.None));
        Assert.Equal(string.Empty, await client.GetStringAsync($"/api/jobs/{Id}/logs.txt"));
        var document = await new MongoClient(_server.ConnectionString).GetDatabase(_database).GetCollection<BsonDocument>("jobs")
            .Find(Builders<BsonDocument>.Filter.Eq("id", Id)).FirstAsync();
        Assert.Empty(document["logs"].AsBsonArray);
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
