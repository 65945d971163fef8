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

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before the folder goes.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
