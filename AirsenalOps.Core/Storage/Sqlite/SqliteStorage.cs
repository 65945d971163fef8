using Microsoft.Data.Sqlite;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in DATA_DIR, WAL mode so readers never block the job writer.
/// </summary>
public sealed class SqliteStorage : IStorage
{
    private readonly string _connectionString;

    public SqliteStorage(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Busy waits are retried by the provider up to this many seconds.
            DefaultTimeout = 30,
        }.ToString();
        // The file belongs to this console alone (one DATA_DIR, one process), so the count sees every write.
        Jobs = new VersionedJobStore(new SqliteJobStore(this), seesEveryWrite: true);
        Logs = new SqliteJobLogStore(this);
        Secrets = new SqliteSecretStore(this);
        Schedules = new SqliteScheduleStore(this);
        Notifications = new SqliteNotificationsStore(this);
        Audit = new SqliteAuditStore(this);
    }

    public string Kind => "sqlite";

    public string DatabasePath { get; }

    public IJobStore Jobs { get; }

    public IJobLogStore Logs { get; }

    public ISecretStore Secrets { get; }

    public ISchedulesStore Schedules { get; }

    public INotificationsStore Notifications { get; }

    public IAuditStore Audit { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS jobs (
                id TEXT PRIMARY KEY,
                command TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at TEXT NOT NULL,
                next_attempt_at TEXT NULL,
                doc TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_jobs_created ON jobs (created_at);
            CREATE INDEX IF NOT EXISTS ix_jobs_status_created ON jobs (status, created_at);
            CREATE TABLE IF NOT EXISTS secrets (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at TEXT NULL);
            CREATE TABLE IF NOT EXISTS webhooks (
                id TEXT PRIMARY KEY,
                created_at TEXT NOT NULL,
                doc TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS webhook_deliveries (
                id TEXT PRIMARY KEY,
                webhook_id TEXT NOT NULL,
                created_at TEXT NOT NULL,
                doc TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_deliveries_created ON webhook_deliveries (created_at);
            CREATE TABLE IF NOT EXISTS schedules (
                id TEXT PRIMARY KEY,
                created_at TEXT NOT NULL,
                doc TEXT NOT NULL);
            """, cancellationToken);
        await ExecuteAsync(connection, SqliteAuditStore.Schema, cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, SqliteJobLogStore.CreateSql, cancellationToken);
        await SqliteJobLogStore.MigrateRowTableAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT 1 FROM jobs LIMIT 1;", cancellationToken);
    }

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // NORMAL is durable against a crash of the console in WAL mode; only power loss can drop the last commits.
        await ExecuteAsync(connection, "PRAGMA synchronous = NORMAL;", cancellationToken);
        return connection;
    }

    internal static Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction: null, sql, cancellationToken);

    internal static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
