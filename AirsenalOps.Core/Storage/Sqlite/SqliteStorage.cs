using AirsenalOps.Core.Secrets;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in DATA_DIR, WAL mode so readers never block the job writer.
/// </summary>
public sealed class SqliteStorage : IStorage
{
    private readonly string _connectionString;

    /// <summary>What PRAGMA auto_vacuum answers for INCREMENTAL.</summary>
    private const long IncrementalVacuum = 2;

    /// <summary>Pages (4 KiB) a vacuum step gives back: the WAL it needs stays well inside the reserve.</summary>
    private const int VacuumStepPages = 256;

    private const string ProbeFileName = "airsenalops.write-probe";

    /// <summary>SQLITE_IOERR: what opening the WAL on a full disk fails with.</summary>
    private const int SqliteIoError = 10;

    /// <summary>errno ENOSPC, the HResult of .NET's IOException for it on Unix.</summary>
    private const int NoSpace = 28;

    private readonly DiskReserve _reserve;

    /// <param name="busyTimeoutSeconds">How long a statement waits for a lock another connection holds (SQLITE_BUSY_TIMEOUT_SECONDS).</param>
    public SqliteStorage(string databasePath, int busyTimeoutSeconds = 5)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        _reserve = new DiskReserve(Path.Combine(Path.GetDirectoryName(DatabasePath)!, "airsenalops.reserve"));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Busy waits are retried by the provider up to this many seconds, then fail with SQLITE_BUSY (a 503 on the API):
            // another process holding the file must not hang a request for as long as it holds it.
            DefaultTimeout = busyTimeoutSeconds,
        }.ToString();
        // The file belongs to this console alone (one DATA_DIR, one process), so the count sees every write.
        Jobs = new VersionedJobStore(new SqliteJobStore(this), seesEveryWrite: true);
        Logs = new SqliteJobLogStore(this);
        Secrets = new SqliteSecretStore(this);
        Schedules = new SqliteScheduleStore(this);
        Notifications = new SqliteNotificationsStore(this);
        Claims = new SqliteClaimStore(this);
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

    public IClaimStore Claims { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        if (!File.Exists(DatabasePath))
        {
            // Created empty and 0600 before SQLite opens it: SQLite gives its -wal and -shm the database file's mode.
            using (new FileStream(DatabasePath, OwnerOnlyFile.Options(FileMode.OpenOrCreate)))
            {
            }
        }

        try
        {
            await CreateSchemaAsync(cancellationToken);
        }
        catch (SqliteException ex) when ((StorageFailures.IsDiskFull(ex) || ex.SqliteErrorCode == SqliteIoError) && _reserve.Held)
        {
            // A full disk: SQLite cannot even create its WAL and shared-memory files, and the console would not start
            // (so no log could be deleted to make room). The reserve is there for this.
            _reserve.Release();
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
            await CreateSchemaAsync(cancellationToken);
        }

        _reserve.TryEnsure();
    }

    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Incremental vacuum lets a delete give its pages back to the disk (GiveBackSpaceAsync): on a full disk
        // deleting old logs must make room for AIrsenal and the next jobs, not only inside this file. A new file takes
        // the setting before its first table; an existing one is rebuilt once (VACUUM), when the disk has room for that.
        // Only asked, never set again, when it is set: setting it writes, and a full disk must not stop the start.
        if (await ScalarAsync(connection, "PRAGMA auto_vacuum;", cancellationToken) != IncrementalVacuum)
        {
            try
            {
                await ExecuteAsync(connection, "PRAGMA auto_vacuum = INCREMENTAL;", cancellationToken);
                if (await ScalarAsync(connection, "PRAGMA auto_vacuum;", cancellationToken) != IncrementalVacuum)
                {
                    await ExecuteAsync(connection, "VACUUM;", cancellationToken);
                }
            }
            catch (SqliteException ex) when (StorageFailures.IsDiskFull(ex))
            {
                // No room to rebuild: deletes still reuse their pages inside the file; the next start tries again.
            }
        }

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
            CREATE TABLE IF NOT EXISTS health_probe (
                id INTEGER PRIMARY KEY,
                written_at TEXT NOT NULL);
            """, cancellationToken);
        await ExecuteAsync(connection, SqliteAuditStore.Schema, cancellationToken);
        await ExecuteAsync(connection, SqliteClaimStore.Schema, cancellationToken);
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

    /// <summary>
    /// A write a full disk refuses even while SQLite still has room in its WAL: one page written to a file in DATA_DIR
    /// (and removed), then one row written to the database. Also puts back the reserve once there is room for it.
    /// </summary>
    public async Task ProbeWriteAsync(CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(DatabasePath)!;
        var probe = Path.Combine(folder, ProbeFileName);
        try
        {
            await using (var file = new FileStream(probe, OwnerOnlyFile.Options(FileMode.Create)))
            {
                await file.WriteAsync(new byte[4096], cancellationToken);
                await file.FlushAsync(cancellationToken);
            }
        }
        catch (IOException ex) when (StorageFailures.IsDiskFull(ex))
        {
            throw new IOException($"The disk of DATA_DIR ({folder}) is full: writing 4 KiB failed ({ex.Message})", ex);
        }
        finally
        {
            File.Delete(probe);
        }

        if (!_reserve.TryEnsure())
        {
            // The reserve was spent (a delete or a start on a full disk) and there is no room to put it back.
            throw new IOException($"The disk of DATA_DIR ({folder}) is full: fewer than {(DiskReserve.Size / (1024 * 1024)) + 1} MiB free, the room the console keeps to work in.", NoSpace);
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO health_probe (id, written_at) VALUES (1, $now);";
        // Health stays fast (and a request that probes first is not held up twice) while another process holds the lock.
        command.CommandTimeout = 1;
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Runs a write that frees space (deleting logs) so that it works on a full disk, then gives the freed pages back
    /// to the disk. A write needs room in the WAL even to delete: when the disk refuses it, the write lock is taken
    /// first (no other writer of this console can take the room), the reserve file is released, and the write runs
    /// again. Afterwards the file is shrunk by incremental vacuum in small steps (each needs at most a step's pages of
    /// WAL), the WAL is truncated, and the reserve is put back when there is room.
    /// </summary>
    internal async Task<T> FreeSpaceAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var result = await WithReserveAsync(work, cancellationToken);
        await GiveBackSpaceAsync(cancellationToken);
        _reserve.TryEnsure();
        return result;
    }

    private async Task<T> WithReserveAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await InTransactionAsync(work, releaseReserve: false, cancellationToken);
        }
        catch (SqliteException ex) when (StorageFailures.IsDiskFull(ex) && _reserve.Held)
        {
            return await InTransactionAsync(work, releaseReserve: true, cancellationToken);
        }
    }

    private async Task<T> InTransactionAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> work, bool releaseReserve, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is ours before the reserve's room is given up.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (releaseReserve)
        {
            _reserve.Release();
        }

        var result = await work(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task GiveBackSpaceAsync(CancellationToken cancellationToken)
    {
        try
        {
            for (var left = long.MaxValue; ;)
            {
                long free;
                await using (var connection = await OpenAsync(cancellationToken))
                {
                    free = await ScalarAsync(connection, "PRAGMA auto_vacuum;", cancellationToken) == IncrementalVacuum
                        ? await ScalarAsync(connection, "PRAGMA freelist_count;", cancellationToken)
                        : 0;
                }

                if (free == 0 || free >= left)
                {
                    return;
                }

                left = free;
                await WithReserveAsync(
                    async (connection, transaction, token) =>
                    {
                        await ExecuteAsync(connection, transaction, $"PRAGMA incremental_vacuum({VacuumStepPages});", token);
                        return 0;
                    },
                    cancellationToken);
                await CheckpointAsync(cancellationToken);
            }
        }
        catch (SqliteException ex) when (StorageFailures.IsDiskFull(ex) || StorageFailures.IsLocked(ex))
        {
            // The delete itself is done; what is not given back yet is reused by the next writes.
        }
    }

    /// <summary>Copies the WAL into the file (which shrinks it after a vacuum step) and truncates the WAL to nothing.</summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
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
