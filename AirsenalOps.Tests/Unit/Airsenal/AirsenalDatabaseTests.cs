using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Unit.Airsenal;

public sealed class AirsenalDatabaseTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private AirsenalDatabase Create(int backups = 5) => new(
        Options.Create(new AirsenalOptions
        {
            PersistentDbPath = _dir.File("persistent/data.db"),
            LocalDbPath = _dir.File("local/airsenal.db"),
            DbBackups = backups,
        }),
        _time,
        MemoryAuditStore.NewLog(_time));

    private static void WriteDb(string path, string marker)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS marker (value TEXT); DELETE FROM marker; INSERT INTO marker VALUES ($v);";
        command.Parameters.AddWithValue("$v", marker);
        command.ExecuteNonQuery();
    }

    private static string ReadDb(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM marker";
        return (string)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Prepare_CopiesPersistentToLocal_AndMarksInUse()
    {
        using var db = Create();
        WriteDb(db.PersistentPath, "persistent");

        await db.PrepareLocalAsync("job-1", CancellationToken.None);

        Assert.Equal("persistent", ReadDb(db.LocalPath));
        Assert.True(db.InUse);
    }

    [Fact]
    public async Task Prepare_WithoutPersistentCopy_RemovesAStaleLocalFile()
    {
        using var db = Create();
        WriteDb(db.LocalPath, "stale");

        await db.PrepareLocalAsync("job-1", CancellationToken.None);

        Assert.False(File.Exists(db.LocalPath));
    }

    [Fact]
    public async Task Success_CopiesBack_AndKeepsTheOldCopyAsADatedBackup()
    {
        using var db = Create();
        WriteDb(db.PersistentPath, "v1");
        await db.PrepareLocalAsync("job-1", CancellationToken.None);
        WriteDb(db.LocalPath, "v2");

        await db.CompleteAsync(succeeded: true, CancellationToken.None);

        Assert.Equal("v2", ReadDb(db.PersistentPath));
        var backup = Assert.Single(db.ListBackups());
        Assert.Equal("airsenal-20261127T200000000Z.db", backup.Name);
        Assert.Equal(_time.GetUtcNow(), backup.CreatedAt);
        Assert.Equal("v1", ReadDb(Path.Combine(db.BackupDirectory, backup.Name)));
        Assert.False(db.InUse);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(db.PersistentPath)!, "*.tmp"));
    }

    [Fact]
    public async Task Failure_NeverOverwritesThePersistentCopy()
    {
        using var db = Create();
        WriteDb(db.PersistentPath, "good");
        await db.PrepareLocalAsync("job-1", CancellationToken.None);
        WriteDb(db.LocalPath, "half-done");

        await db.CompleteAsync(succeeded: false, CancellationToken.None);

        Assert.Equal("good", ReadDb(db.PersistentPath));
        Assert.Empty(db.ListBackups());
        Assert.False(db.InUse);
    }

    [Fact]
    public async Task Backups_AreRotated_KeepingTheNewestN()
    {
        using var db = Create(backups: 2);
        WriteDb(db.PersistentPath, "v0");
        for (var i = 1; i <= 4; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await db.PrepareLocalAsync("job-1", CancellationToken.None);
            WriteDb(db.LocalPath, $"v{i}");
            await db.CompleteAsync(succeeded: true, CancellationToken.None);
        }

        var backups = db.ListBackups();
        Assert.Equal(2, backups.Count);
        Assert.Equal("v3", ReadDb(Path.Combine(db.BackupDirectory, backups[0].Name)));
        Assert.Equal("v2", ReadDb(Path.Combine(db.BackupDirectory, backups[1].Name)));
        Assert.Equal("v4", ReadDb(db.PersistentPath));
    }

    [Fact]
    public async Task Restore_PutsABackupBack_AndBacksUpTheReplacedCopy()
    {
        using var db = Create();
        WriteDb(db.PersistentPath, "v1");
        await db.PrepareLocalAsync("job-1", CancellationToken.None);
        WriteDb(db.LocalPath, "v2");
        await db.CompleteAsync(true, CancellationToken.None);
        var v1 = Assert.Single(db.ListBackups());
        _time.Advance(TimeSpan.FromSeconds(5));

        await db.RestoreAsync(v1.Name, null, CancellationToken.None);

        Assert.Equal("v1", ReadDb(db.PersistentPath));
        var backups = db.ListBackups();
        Assert.Equal(2, backups.Count);
        Assert.Equal("v2", ReadDb(Path.Combine(db.BackupDirectory, backups[0].Name)));
    }

    [Fact]
    public async Task Restore_IsRefusedWhileAJobUsesTheDatabase_AndUnknownNamesAreNotFound()
    {
        using var db = Create();
        WriteDb(db.PersistentPath, "v1");
        await db.PrepareLocalAsync("job-1", CancellationToken.None);
        await db.CompleteAsync(true, CancellationToken.None);
        var name = Assert.Single(db.ListBackups()).Name;
        await db.PrepareLocalAsync("job-1", CancellationToken.None);

        await Assert.ThrowsAsync<DatabaseBusyException>(() => db.RestoreAsync(name, (_, _) => Task.FromResult(true), CancellationToken.None));
        await Assert.ThrowsAsync<BackupNotFoundException>(() => db.RestoreAsync("../data.db", null, CancellationToken.None));
        Assert.True(db.GetStatus().InUse);
    }

    [Fact]
    public async Task CorruptPersistentFile_FailsWithAClearMessage()
    {
        using var db = Create();
        Directory.CreateDirectory(Path.GetDirectoryName(db.PersistentPath)!);
        await File.WriteAllTextAsync(db.PersistentPath, "this is not a database, just text long enough to have a header........");

        var error = await Assert.ThrowsAsync<AirsenalDatabaseException>(() => db.PrepareLocalAsync("job-1", CancellationToken.None));

        Assert.Contains(db.PersistentPath, error.Message, StringComparison.Ordinal);
        Assert.False(db.InUse);
    }

    [Fact]
    public void Status_ReportsMissingPersistentCopy()
    {
        using var db = Create();

        var status = db.GetStatus();

        Assert.False(status.Exists);
        Assert.Null(status.SizeBytes);
        Assert.Empty(status.Backups);
    }

    [Fact]
    public async Task Restore_ReleasesAHolderWhoseJobHasEnded_ThenRestores()
    {
        using var db = Create();
        WriteDb(db.PersistentPath, "v1");
        await db.PrepareLocalAsync("job-1", CancellationToken.None);
        await db.CompleteAsync(true, CancellationToken.None);
        var name = Assert.Single(db.ListBackups()).Name;
        await db.PrepareLocalAsync("cancelled-job", CancellationToken.None);

        await db.RestoreAsync(name, (holder, _) => Task.FromResult(holder != "cancelled-job"), CancellationToken.None);

        Assert.False(db.InUse);
        db.Release("someone-else");
        Assert.Null(db.Holder);
    }
}
