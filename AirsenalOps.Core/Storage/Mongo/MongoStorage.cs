using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>
/// The MongoDB adapter, on the peer console's collections (`jobs`, `secrets`) plus `job_logs`
/// for log lines, which would otherwise hit the 16 MB document limit, and our own (`schedules`,
/// `webhooks`, `webhook_deliveries`, `audit_log`, `claims`).
/// </summary>
public sealed class MongoStorage : IStorage
{
    private readonly IMongoDatabase _database;

    public MongoStorage(string connectionString, string databaseName)
    {
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        // Fail fast when the server is down (health answers within its own 5 s budget), unless the
        // operator chose timeouts in MONGO_URL.
        if (!connectionString.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase))
        {
            settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        }

        if (!connectionString.Contains("connectTimeoutMS", StringComparison.OrdinalIgnoreCase))
        {
            settings.ConnectTimeout = TimeSpan.FromSeconds(5);
        }
        _database = new MongoClient(settings).GetDatabase(databaseName);
        var jobs = _database.GetCollection<BsonDocument>("jobs");
        var logs = _database.GetCollection<BsonDocument>("job_logs");
        var secrets = _database.GetCollection<BsonDocument>("secrets");
        // Several console instances (and the peer console) may share the database: their writes are not counted here.
        Jobs = new VersionedJobStore(new MongoJobStore(jobs), seesEveryWrite: false);
        Logs = new MongoJobLogStore(logs, jobs);
        Secrets = new MongoSecretStore(secrets);
        Schedules = new MongoScheduleStore(_database.GetCollection<BsonDocument>("schedules"));
        Notifications = new MongoNotificationsStore(_database.GetCollection<BsonDocument>("webhooks"), _database.GetCollection<BsonDocument>("webhook_deliveries"));
        Audit = new MongoAuditStore(_database.GetCollection<BsonDocument>("audit_log"));
        Claims = new MongoClaimStore(_database.GetCollection<BsonDocument>("claims"));
    }

    public string Kind => "mongodb";

    public IJobStore Jobs { get; }

    public IJobLogStore Logs { get; }

    public ISecretStore Secrets { get; }

    public ISchedulesStore Schedules { get; }

    public INotificationsStore Notifications { get; }

    public IAuditStore Audit { get; }

    public IClaimStore Claims { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var jobs = _database.GetCollection<BsonDocument>("jobs").Indexes;
        await jobs.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("id"), new CreateIndexOptions { Unique = true }),
            cancellationToken: cancellationToken);
        await jobs.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("status").Ascending("created_at")),
            cancellationToken: cancellationToken);
        await _database.GetCollection<BsonDocument>("job_logs").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                Builders<BsonDocument>.IndexKeys.Ascending("job_id").Ascending("seq"), new CreateIndexOptions { Unique = true }),
            cancellationToken: cancellationToken);
        await _database.GetCollection<BsonDocument>("secrets").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("key"), new CreateIndexOptions { Unique = true }),
            cancellationToken: cancellationToken);
        await _database.GetCollection<BsonDocument>("webhooks").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("id"), new CreateIndexOptions { Unique = true }),
            cancellationToken: cancellationToken);
        await _database.GetCollection<BsonDocument>("webhook_deliveries").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Descending("created_at")),
            cancellationToken: cancellationToken);
        await _database.GetCollection<BsonDocument>("schedules").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("id"), new CreateIndexOptions { Unique = true }),
            cancellationToken: cancellationToken);
        await _database.GetCollection<BsonDocument>("claims").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("key"), new CreateIndexOptions { Unique = true }),
            cancellationToken: cancellationToken);
        var audit = _database.GetCollection<BsonDocument>("audit_log").Indexes;
        await audit.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("id"), new CreateIndexOptions { Unique = true }),
            cancellationToken: cancellationToken);
        await audit.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("action").Descending("at")),
            cancellationToken: cancellationToken);
        await audit.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Descending("at")),
            cancellationToken: cancellationToken);
    }

    public Task PingAsync(CancellationToken cancellationToken) =>
        _database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
}
