using System.Text.Json.Nodes;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Mongo;
using AirsenalOps.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Tests.Integration.Storage;

/// <summary>
/// The contract on the MongoDB adapter against a wire-protocol server (CongoDB, or a real MongoDB when
/// MONGO_TEST_URL is set), plus what only MongoDB has: documents the peer console wrote.
/// </summary>
[Collection(MongoServerGroup.Name)]
public sealed class MongoStorageContractTests(MongoTestServer server) : StorageContractTests
{
    private readonly string _databaseName = server.NewDatabaseName(nameof(MongoStorageContractTests));

    private IMongoDatabase Database => new MongoClient(server.ConnectionString).GetDatabase(_databaseName);

    protected override Task<IStorage> OpenFreshAsync() => Task.FromResult<IStorage>(new MongoStorage(server.ConnectionString, _databaseName));

    protected override Task<IStorage> ReopenAsync() => OpenFreshAsync();

    public override async Task DisposeAsync()
    {
        // The test server keeps everything in memory: give it back.
        await new MongoClient(server.ConnectionString).DropDatabaseAsync(_databaseName);
        await base.DisposeAsync();
    }

    [Fact]
    public void Kind_IsMongodb() => Assert.Equal("mongodb", Storage.Kind);

    [Fact]
    public async Task PeerJobDocuments_WithIsoStringsBsonDatesAndInlineLogs_AreRead()
    {
        var jobs = Database.GetCollection<BsonDocument>("jobs");
        // As the FastAPI console wrote it: ObjectId _id, ISO strings, inline logs, none of our fields.
        await jobs.InsertOneAsync(new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["id"] = "2f1c6a86-2a4c-4a4e-9d7e-0f8f2b2b7c11",
            ["command"] = "predict",
            ["parameters"] = new BsonDocument { ["weeks_ahead"] = 3 },
            ["status"] = "completed",
            ["logs"] = new BsonArray { "Starting prediction", "PREDICTED TOP 5 PLAYERS" },
            ["output"] = new BsonDocument { ["type"] = "prediction", ["headline"] = "Salah 7.2" },
            ["error"] = BsonNull.Value,
            ["retry_count"] = 0,
            ["max_retries"] = 3,
            ["created_at"] = "2025-09-01T10:00:00.123456",
            ["started_at"] = "2025-09-01T10:00:01.5+00:00",
            ["completed_at"] = "2025-09-01T10:05:00Z",
        });
        // The same shape with BSON dates (another tool, or a later peer version).
        await jobs.InsertOneAsync(new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["id"] = "b7a4b0a2-7a55-4d44-8d0b-1c3c8f9a0d22",
            ["command"] = "update_db",
            ["parameters"] = new BsonDocument(),
            ["status"] = "pending",
            ["logs"] = new BsonArray(),
            ["output"] = BsonNull.Value,
            ["retry_count"] = 0,
            ["max_retries"] = 3,
            ["created_at"] = new BsonDateTime(new DateTime(2025, 9, 2, 8, 30, 0, 250, DateTimeKind.Utc)),
        });

        var peer = await Storage.Jobs.GetAsync("2f1c6a86-2a4c-4a4e-9d7e-0f8f2b2b7c11", CancellationToken.None);
        Assert.NotNull(peer);
        Assert.Equal(JobStatus.Completed, peer.Status);
        Assert.Equal(3, peer.Parameters["weeks_ahead"]!.GetValue<int>());
        Assert.Equal("Salah 7.2", peer.Output!["headline"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2025, 9, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_560), peer.CreatedAt);
        Assert.Equal(new DateTimeOffset(2025, 9, 1, 10, 0, 1, 500, TimeSpan.Zero), peer.StartedAt);
        Assert.Equal(new DateTimeOffset(2025, 9, 1, 10, 5, 0, TimeSpan.Zero), peer.CompletedAt);
        // The inline lines are the log store's: lines 1..N, and lines written later follow them.
        var inline = await Storage.Logs.ReadAsync(peer.Id, 0, 10, CancellationToken.None);
        Assert.Equal(["Starting prediction", "PREDICTED TOP 5 PLAYERS"], inline.Select(l => l.Text));
        Assert.Equal([1L, 2L], inline.Select(l => l.Seq));
        Assert.All(inline, l => Assert.Equal(peer.CreatedAt, l.Time));
        Assert.Equal(2, await Storage.Logs.LastSeqAsync(peer.Id, CancellationToken.None));
        await Storage.Logs.AppendAsync(peer.Id, [new LogLine(3, peer.CreatedAt.AddMinutes(1), LogSource.Stdout, "a retry")], CancellationToken.None);
        Assert.Equal(3, await Storage.Logs.CountAsync(peer.Id, CancellationToken.None));
        Assert.Equal(["PREDICTED TOP 5 PLAYERS", "a retry"], (await Storage.Logs.ReadTailAsync(peer.Id, 2, CancellationToken.None)).Select(l => l.Text));
        Assert.Equal(["a retry"], (await Storage.Logs.ReadAsync(peer.Id, 2, 10, CancellationToken.None)).Select(l => l.Text));
        Assert.Equal(3, await Storage.Logs.DeleteAsync(peer.Id, CancellationToken.None));
        Assert.Empty(await Storage.Logs.ReadAsync(peer.Id, 0, 10, CancellationToken.None));
        Assert.Empty(peer.Attempts);
        Assert.Null(peer.Owner);
        Assert.Null(peer.NextAttemptAt);

        var dated = await Storage.Jobs.GetAsync("b7a4b0a2-7a55-4d44-8d0b-1c3c8f9a0d22", CancellationToken.None);
        Assert.Equal(new DateTimeOffset(2025, 9, 2, 8, 30, 0, 250, TimeSpan.Zero), dated!.CreatedAt);
        Assert.Null(dated.Output);
        Assert.Equal(0, await Storage.Logs.CountAsync(dated.Id, CancellationToken.None));

        var listed = await Storage.Jobs.ListAsync(new JobFilter(), CancellationToken.None);
        Assert.Equal(2, listed.Count);
        // A pending peer job is claimable like ours.
        var claimed = await Storage.Jobs.ClaimNextAsync(new JobClaim("me", DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal("b7a4b0a2-7a55-4d44-8d0b-1c3c8f9a0d22", claimed?.Id);
    }

    [Fact]
    public async Task SparsePeerJobDocument_WithNullsAndMissingFields_IsRead()
    {
        await Database.GetCollection<BsonDocument>("jobs").InsertOneAsync(new BsonDocument
        {
            ["id"] = "0d5e7c55-1111-4222-8333-444455556666",
            ["command"] = "setup_db",
            ["parameters"] = BsonNull.Value,
            ["status"] = "cancelling",
            ["output"] = new BsonDocument(),
            ["created_at"] = "2025-09-04T07:00:00",
            ["started_at"] = BsonNull.Value,
            ["completed_at"] = "",
        });

        var job = await Storage.Jobs.GetAsync("0d5e7c55-1111-4222-8333-444455556666", CancellationToken.None);

        Assert.NotNull(job);
        Assert.Equal(JobStatus.Cancelling, job.Status);
        Assert.NotNull(job.Parameters);
        Assert.Empty(job.Parameters);
        Assert.Empty(job.Output!);
        Assert.Equal(0, job.RetryCount);
        Assert.Null(job.StartedAt);
        Assert.Null(job.CompletedAt);
        Assert.Equal(0, await Storage.Logs.CountAsync(job.Id, CancellationToken.None));
        Assert.Empty(job.Attempts);
    }

    [Fact]
    public async Task PeerInlineLines_UnderStoredLinesWithTheSameNumbers_GiveWay()
    {
        // A peer job this console re-ran before the inline lines were numbered: its own lines started at 1.
        await Database.GetCollection<BsonDocument>("jobs").InsertOneAsync(new BsonDocument
        {
            ["id"] = "c0ffee00-0000-4000-8000-000000000002",
            ["command"] = "update_db",
            ["status"] = "completed",
            ["logs"] = new BsonArray { "peer 1", "peer 2" },
            ["created_at"] = "2025-09-03T12:00:00",
        });
        var at = DateTimeOffset.UtcNow;
        await Storage.Logs.AppendAsync("c0ffee00-0000-4000-8000-000000000002", [new LogLine(1, at, LogSource.Stdout, "ours 1"), new LogLine(2, at, LogSource.Stderr, "ours 2")], CancellationToken.None);

        var lines = await Storage.Logs.ReadAsync("c0ffee00-0000-4000-8000-000000000002", 0, 10, CancellationToken.None);

        Assert.Equal(["ours 1", "ours 2"], lines.Select(l => l.Text));
        Assert.Equal(2, await Storage.Logs.CountAsync("c0ffee00-0000-4000-8000-000000000002", CancellationToken.None));
    }

    [Fact]
    public async Task Update_KeepsFieldsThisConsoleDoesNotKnow()
    {
        var jobs = Database.GetCollection<BsonDocument>("jobs");
        var id = ObjectId.GenerateNewId();
        await jobs.InsertOneAsync(new BsonDocument
        {
            ["_id"] = id,
            ["id"] = "c0ffee00-0000-4000-8000-000000000001",
            ["command"] = "pipeline",
            ["parameters"] = new BsonDocument(),
            ["status"] = "pending",
            ["logs"] = new BsonArray { "old line" },
            ["created_at"] = "2025-09-03T12:00:00",
            ["peer_note"] = "kept",
            ["peer_binary"] = new BsonBinaryData(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), GuidRepresentation.Standard),
            ["peer_decimal"] = new BsonDecimal128(12.345m),
        });
        var job = await Storage.Jobs.GetAsync("c0ffee00-0000-4000-8000-000000000001", CancellationToken.None);

        var updated = job! with { Status = JobStatus.Completed, Output = new JsonObject { ["ok"] = true } };
        Assert.True(await Storage.Jobs.UpdateAsync(updated, JobStatus.Pending, CancellationToken.None));

        var raw = await jobs.Find(Builders<BsonDocument>.Filter.Eq("_id", id)).SingleAsync();
        Assert.Equal("kept", raw["peer_note"].AsString);
        Assert.Equal(BsonType.Binary, raw["peer_binary"].BsonType);
        Assert.Equal(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), raw["peer_binary"].AsBsonBinaryData.ToGuid(GuidRepresentation.Standard));
        Assert.Equal(BsonType.Decimal128, raw["peer_decimal"].BsonType);
        Assert.Equal("completed", raw["status"].AsString);
        var reread = await Storage.Jobs.GetAsync(updated.Id, CancellationToken.None);
        Assert.Equal(JobStatus.Completed, reread!.Status);
        Assert.True(reread.Output!["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PeerSecrets_WithStringDatesAndObjectIds_AreRead()
    {
        var secrets = Database.GetCollection<BsonDocument>("secrets");
        await secrets.InsertOneAsync(new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["key"] = "APP_ADMIN_EMAIL",
            ["value"] = "admin@example.com",
            ["updated_at"] = "2025-09-01T09:00:00.000001",
        });
        await secrets.InsertOneAsync(new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["key"] = "FPL_TEAM_ID",
            ["value"] = "gAAAAABtoken",
            ["updated_at"] = new BsonDateTime(new DateTime(2025, 9, 1, 9, 0, 0, DateTimeKind.Utc)),
        });

        var email = await Storage.Secrets.GetAsync("APP_ADMIN_EMAIL", CancellationToken.None);
        Assert.Equal("admin@example.com", email!.Value);
        Assert.Equal(new DateTimeOffset(2025, 9, 1, 9, 0, 0, TimeSpan.Zero).AddTicks(10), email.UpdatedAt);
        Assert.Equal(["APP_ADMIN_EMAIL", "FPL_TEAM_ID"], (await Storage.Secrets.ListAsync(CancellationToken.None)).Select(s => s.Key));

        // Our upsert updates the peer's row in place rather than adding a second one.
        await Storage.Secrets.UpsertAsync(new SecretRecord("FPL_TEAM_ID", "gAAAAABnew", DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(1, await secrets.CountDocumentsAsync(Builders<BsonDocument>.Filter.Eq("key", "FPL_TEAM_ID")));
        Assert.Equal("gAAAAABnew", (await Storage.Secrets.GetAsync("FPL_TEAM_ID", CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task Initialize_CreatesTheUniqueIndexes_AndTheServerEnforcesThem()
    {
        var secrets = Database.GetCollection<BsonDocument>("secrets");
        await secrets.InsertOneAsync(new BsonDocument { ["key"] = "K", ["value"] = "1" });

        var error = await Assert.ThrowsAsync<MongoWriteException>(() => secrets.InsertOneAsync(new BsonDocument { ["key"] = "K", ["value"] = "2" }));

        Assert.Equal(ServerErrorCategory.DuplicateKey, error.WriteError.Category);
        var indexes = await (await Database.GetCollection<BsonDocument>("job_logs").Indexes.ListAsync()).ToListAsync();
        Assert.Contains(indexes, i => i.GetValue("unique", false).ToBoolean() && i["key"].AsBsonDocument.Names.SequenceEqual(["job_id", "seq"]));
    }
}
