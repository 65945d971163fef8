using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Sqlite;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.Storage;

/// <summary>The contract on the embedded store: a SQLite file in a temp folder.</summary>
public sealed class SqliteStorageContractTests : StorageContractTests, IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DatabasePath => _dir.File("airsenalops.db");

    protected override Task<IStorage> OpenFreshAsync() => Task.FromResult<IStorage>(new SqliteStorage(DatabasePath));

    protected override Task<IStorage> ReopenAsync() => Task.FromResult<IStorage>(new SqliteStorage(DatabasePath));

    [Fact]
    public async Task Initialize_CreatesTheFileInWalMode()
    {
        Assert.Equal("sqlite", Storage.Kind);
        Assert.True(File.Exists(DatabasePath));
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + DatabasePath);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync() as string);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'someone else';")]
    [InlineData("DELETE FROM audit_log;")]
    public async Task AuditTable_RefusesUpdateAndDelete_EvenToRawSql(string sql)
    {
        await Storage.Audit.AppendAsync(new AuditRecord { Id = "a-1", At = DateTimeOffset.UnixEpoch, Actor = "admin@example.com", Client = "127.0.0.1", Action = AuditAction.LoginSucceeded }, CancellationToken.None);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + DatabasePath);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;

        var error = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        Assert.Equal("admin@example.com", (await Storage.Audit.ListAsync(new AuditQuery(), CancellationToken.None)).Single().Actor);
    }

    [Fact]
    public async Task Initialize_MovesLinesFromTheRowPerLineTable_AndDropsIt()
    {
        // A DATA_DIR written by a version that stored one row per line.
        var path = _dir.File("old.db");
        var job = Guid.NewGuid().ToString();
        var other = Guid.NewGuid().ToString();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE job_logs (job_id TEXT NOT NULL, seq INTEGER NOT NULL, ts TEXT NOT NULL, stream TEXT NOT NULL,
                    text TEXT NOT NULL, PRIMARY KEY (job_id, seq)) WITHOUT ROWID;
                INSERT INTO job_logs VALUES ($job, 2, '2026-08-08T10:00:02.0000000+00:00', 'stderr', 'warning: Ødegaard');
                INSERT INTO job_logs VALUES ($job, 1, '2026-08-08T10:00:01.1234567+00:00', 'system', 'started');
                INSERT INTO job_logs VALUES ($other, 1, '2026-08-08T11:00:00.0000000+00:00', 'stdout', 'other job');
                """;
            command.Parameters.AddWithValue("$job", job);
            command.Parameters.AddWithValue("$other", other);
            await command.ExecuteNonQueryAsync();
        }

        var storage = new SqliteStorage(path);
        await storage.InitializeAsync(CancellationToken.None);

        var lines = await storage.Logs.ReadAsync(job, 0, 10, CancellationToken.None);
        Assert.Equal(
            [
                new LogLine(1, new DateTimeOffset(2026, 8, 8, 10, 0, 1, TimeSpan.Zero).AddTicks(1_234_567), LogSource.System, "started"),
                new LogLine(2, new DateTimeOffset(2026, 8, 8, 10, 0, 2, TimeSpan.Zero), LogSource.Stderr, "warning: Ødegaard"),
            ],
            lines);
        Assert.Equal("other job", Assert.Single(await storage.Logs.ReadAsync(other, 0, 10, CancellationToken.None)).Text);
        Assert.Equal(3, await storage.Logs.CountAllAsync(CancellationToken.None));
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'job_logs';";
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }

        // A second start finds nothing left to move.
        await new SqliteStorage(path).InitializeAsync(CancellationToken.None);
        Assert.Equal(3, await storage.Logs.CountAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Logs_BatchNotInIncreasingOrder_IsRefusedWhole()
    {
        var job = Guid.NewGuid().ToString();
        var at = DateTimeOffset.UtcNow;
        LogLine[] lines = [new(1, at, LogSource.Stdout, "a"), new(3, at, LogSource.Stdout, "c"), new(2, at, LogSource.Stdout, "b")];

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Logs.AppendAsync(job, lines, CancellationToken.None));

        Assert.Equal(0, await Storage.Logs.CountAsync(job, CancellationToken.None));
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before the folder goes.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
