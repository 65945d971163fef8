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

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before the folder goes.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
