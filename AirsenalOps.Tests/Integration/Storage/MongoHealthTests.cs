using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using AirsenalOps.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Tests.Integration.Storage;

/// <summary>The console on MongoDB: healthy on a live server, up but unhealthy on a dead one, and healing when it appears.</summary>
[Collection(MongoServerGroup.Name)]
public sealed class MongoHealthTests(MongoTestServer server)
{
    private static readonly Uri Health = new("/api/health", UriKind.Relative);

    [Fact]
    public async Task Health_AnswersOk_WithMongoUrlOnTheTestServer()
    {
        var database = server.NewDatabaseName(nameof(Health_AnswersOk_WithMongoUrlOnTheTestServer));
        using var factory = new ConsoleFactory(new Dictionary<string, string?>
        {
            ["MONGO_URL"] = server.ConnectionString,
            ["DB_NAME"] = database,
        });

        var response = await factory.CreateClient().GetAsync(Health);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal("mongodb", body.GetProperty("storage").GetProperty("kind").GetString());
        Assert.True(body.GetProperty("storage").GetProperty("ok").GetBoolean());
        // Start-up initialised the database: the peer's collections carry our indexes.
        var indexes = await (await new MongoClient(server.ConnectionString).GetDatabase(database)
            .GetCollection<BsonDocument>("jobs").Indexes.ListAsync()).ToListAsync();
        Assert.Contains(indexes, i => i["key"].AsBsonDocument.Names.SequenceEqual(["id"]));
        Assert.False(File.Exists(Path.Combine(factory.DataDir, "airsenalops.db")));
        await new MongoClient(server.ConnectionString).DropDatabaseAsync(database);
    }

    [Fact]
    public async Task Health_Answers503NamingStorage_WhenMongoIsDown_AndRecovers_WhenItComesUp()
    {
        var port = FreePort();
        using var factory = new ConsoleFactory(new Dictionary<string, string?>
        {
            ["MONGO_URL"] = $"mongodb://127.0.0.1:{port}/?serverSelectionTimeoutMS=2000&connectTimeoutMS=2000",
            ["DB_NAME"] = "airsenal_down",
        });
        var client = factory.CreateClient();

        // The console started although MongoDB did not answer, and says what is wrong.
        var response = await client.GetAsync(Health);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("storage", body.GetProperty("failing").GetString());
        Assert.Equal("mongodb", body.GetProperty("storage").GetProperty("kind").GetString());
        Assert.False(body.GetProperty("storage").GetProperty("ok").GetBoolean());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("storage").GetProperty("error").GetString()));

        // MongoDB appears on that port: the background initialiser creates the indexes and health turns ok.
        var late = await MongoTestServer.StartLocalAsync(port);
        try
        {
            await WaitUntilHealthyAndInitialisedAsync(client, late);
        }
        finally
        {
            await late.DisposeAsync();
        }
    }

    private static async Task WaitUntilHealthyAndInitialisedAsync(HttpClient client, MongoTestServer late)
    {
        var indexes = new MongoClient(late.ConnectionString).GetDatabase("airsenal_down").GetCollection<BsonDocument>("job_logs").Indexes;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var ok = (await client.GetAsync(Health)).StatusCode == HttpStatusCode.OK;
            var initialised = (await (await indexes.ListAsync()).ToListAsync()).Count > 1;
            if (ok && initialised)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"storage did not recover within 60 s (health ok: {ok}, indexes: {initialised})");
            await Task.Delay(500);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
