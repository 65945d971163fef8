using System.Globalization;
using System.Text.RegularExpressions;
using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Airsenal.Database;

/// <summary>A dated copy of the persistent database.</summary>
public sealed record DatabaseBackup(string Name, DateTimeOffset CreatedAt, long SizeBytes);

/// <summary>The persistent database as the console sees it.</summary>
public sealed record DatabaseStatus(string PersistentPath, bool Exists, long? SizeBytes, DateTimeOffset? ModifiedAt, bool InUse, IReadOnlyList<DatabaseBackup> Backups);

/// <summary>A database copy failed; the message says what to do and never holds a secret.</summary>
public sealed class AirsenalDatabaseException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A restore was asked for while a job works on the database.</summary>
public sealed class DatabaseBusyException(string message) : Exception(message);

/// <summary>A backup name that does not exist (or is not a backup name at all).</summary>
public sealed class BackupNotFoundException(string name) : Exception($"Backup '{name}' not found");

/// <summary>
/// AIrsenal's SQLite file has two homes (reference, peer-console.md): the durable PERSISTENT_DB_PATH and the
/// LOCAL_DB_PATH a job works on. A job gets a fresh local copy; only a successful job's copy goes back,
/// atomically, after the previous persistent copy was kept as a dated backup.
/// </summary>
/// <remarks>
/// Copies use SQLite's online backup API (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>)
/// rather than a byte copy: it reads a consistent snapshot even if a WAL file or a hot journal is next to the
/// source (a byte copy of only the main file can lose committed pages or copy a half-written one), and a file
/// that is not SQLite fails here instead of becoming the durable copy. The result is written to a temp file in
/// the target folder, flushed to disk, then renamed over the target, so a crash leaves either the old or the new
/// file, never a torn one.
/// </remarks>
public sealed partial class AirsenalDatabase(IOptions<AirsenalOptions> options, TimeProvider time, AuditLog audit) : IDisposable
{
    private const string BackupFolder = "backups";

    // One job holds the local copy at a time; restores and copies never overlap.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _holder;

    public string PersistentPath => Path.GetFullPath(options.Value.PersistentDbPath);

    public string LocalPath => Path.GetFullPath(options.Value.LocalDbPath);

    public string BackupDirectory => Path.Combine(Path.GetDirectoryName(PersistentPath)!, BackupFolder);

    /// <summary>The job working on the local copy, or null.</summary>
    public string? Holder => Volatile.Read(ref _holder);

    /// <summary>True while a job works on the local copy.</summary>
    public bool InUse => Holder is not null;

    /// <summary>
    /// Copies the persistent database to the local path for job <paramref name="holder"/>. Without a persistent
    /// copy the job starts from nothing (setup_db creates it), so a stale local file from an earlier job is removed.
    /// Jobs that write the database run one at a time, so a previous holder that never completed (a cancelled
    /// job) is simply replaced.
    /// </summary>
    public async Task PrepareLocalAsync(string holder, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Volatile.Write(ref _holder, holder);
            DeleteWithCompanions(LocalPath);
            if (File.Exists(PersistentPath))
            {
                await Task.Run(() => CopyAtomically(PersistentPath, LocalPath), cancellationToken);
            }
        }
        catch
        {
            Volatile.Write(ref _holder, null);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets a holder that ended without completing (cancelled or interrupted); the persistent copy is untouched.</summary>
    public void Release(string holder) => Interlocked.CompareExchange(ref _holder, null, holder);

    /// <summary>
    /// Ends a job's use of the local copy. On success the previous persistent copy becomes a dated backup and
    /// the local copy replaces it; on failure the persistent copy is left exactly as it was.
    /// </summary>
    public async Task CompleteAsync(bool succeeded, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (succeeded && File.Exists(LocalPath))
            {
                await Task.Run(() =>
                {
                    BackupCurrent();
                    CopyAtomically(LocalPath, PersistentPath);
                    Prune();
                }, cancellationToken);
            }
        }
        finally
        {
            Volatile.Write(ref _holder, null);
            _gate.Release();
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<DatabaseBackup> ListBackups()
    {
        if (!Directory.Exists(BackupDirectory))
        {
            return [];
        }

        return Directory.EnumerateFiles(BackupDirectory, "*.db")
            .Select(path => (path, match: BackupName().Match(Path.GetFileName(path))))
            .Where(x => x.match.Success)
            .Select(x => new DatabaseBackup(Path.GetFileName(x.path), ParseStamp(x.match.Groups[1].Value), new FileInfo(x.path).Length))
            .OrderByDescending(b => b.Name, StringComparer.Ordinal)
            .ToList();
    }

    public DatabaseStatus GetStatus()
    {
        var info = new FileInfo(PersistentPath);
        return new DatabaseStatus(
            PersistentPath,
            info.Exists,
            info.Exists ? info.Length : null,
            info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) : null,
            InUse,
            ListBackups());
    }

    /// <summary>
    /// Puts a backup back as the persistent copy. The copy it replaces is itself kept as a backup first, so a
    /// restore can be undone. Refused while a job works on the database; <paramref name="isHolderActive"/>
    /// tells whether the holder's job still runs (a cancelled job never completes its hold).
    /// </summary>
    public async Task<DatabaseBackup> RestoreAsync(string name, Func<string, CancellationToken, Task<bool>>? isHolderActive, CancellationToken cancellationToken)
    {
        if (Holder is { } holder && isHolderActive is not null && !await isHolderActive(holder, cancellationToken))
        {
            Release(holder);
        }

        ArgumentNullException.ThrowIfNull(name);
        var backup = ListBackups().FirstOrDefault(b => b.Name == name) ?? throw new BackupNotFoundException(name);
        if (!await _gate.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            throw new DatabaseBusyException("The AIrsenal database is being copied for a job; try again when it has finished.");
        }

        try
        {
            if (InUse)
            {
                throw new DatabaseBusyException("A job is using the AIrsenal database; restore it when the job has finished.");
            }

            await Task.Run(() =>
            {
                var source = Path.Combine(BackupDirectory, backup.Name);
                BackupCurrent();
                CopyAtomically(source, PersistentPath);
                Prune(keep: backup.Name);
            }, cancellationToken);
            await audit.RecordAsync(AuditAction.BackupRestored, backup.Name, new Dictionary<string, string> { ["backup_created_at"] = StorageJson.FormatDate(backup.CreatedAt) });
            return backup;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private void BackupCurrent()
    {
        if (options.Value.DbBackups <= 0 || !File.Exists(PersistentPath))
        {
            return;
        }

        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var target = Path.Combine(BackupDirectory, $"airsenal-{stamp}.db");
        for (var n = 1; File.Exists(target); n++)
        {
            // Two backups within a millisecond (a fake clock in tests, or a restore right after a job).
            target = Path.Combine(BackupDirectory, $"airsenal-{stamp}-{n}.db");
        }

        Guard(() => Directory.CreateDirectory(BackupDirectory), BackupDirectory);
        CopyAtomically(PersistentPath, target);
    }

    private void Prune(string? keep = null)
    {
        foreach (var old in ListBackups().Skip(options.Value.DbBackups).Where(b => b.Name != keep))
        {
            Guard(() => File.Delete(Path.Combine(BackupDirectory, old.Name)), BackupDirectory);
        }
    }

    private static void CopyAtomically(string source, string target)
    {
        var folder = Path.GetDirectoryName(target)!;
        Guard(() => Directory.CreateDirectory(folder), folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Pooling off: a pooled connection would keep the files open after the rename.
            using (var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
            using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Pooling = false }.ToString()))
            {
                from.Open();
                to.Open();
                from.BackupDatabase(to);
            }

            Guard(() =>
            {
                using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
                {
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temp, target, overwrite: true);
                DeleteWithCompanions(target, mainFile: false);
            }, target);
        }
        catch (SqliteException ex)
        {
            throw ex.SqliteErrorCode == 13
                ? DiskFull(target, ex)
                : new AirsenalDatabaseException($"Copying the AIrsenal database {source} to {target} failed: {ex.Message}", ex);
        }
        finally
        {
            DeleteWithCompanions(temp);
        }
    }

    /// <summary>Runs a file operation, turning disk-full and I/O errors into a message that names the path.</summary>
    private static void Guard(Action action, string path)
    {
        try
        {
            action();
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            throw DiskFull(path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AirsenalDatabaseException($"Cannot write the AIrsenal database at {path}: {ex.Message}", ex);
        }
    }

    // ENOSPC (28) on Linux, ERROR_DISK_FULL/ERROR_HANDLE_DISK_FULL on Windows.
    private static bool IsDiskFull(IOException ex) => (ex.HResult & 0xFFFF) is 28 or 0x70 or 0x27;

    private static AirsenalDatabaseException DiskFull(string path, Exception inner) =>
        new($"The disk holding {Path.GetDirectoryName(path)} is full: free some space (or lower DB_BACKUPS) and run the job again. The persistent database was not changed.", inner);

    private static void DeleteWithCompanions(string path, bool mainFile = true)
    {
        // A stale -wal/-journal next to a fresh main file would be replayed into it by SQLite.
        foreach (var file in mainFile ? new[] { path, path + "-wal", path + "-shm", path + "-journal" } : [path + "-wal", path + "-shm", path + "-journal"])
        {
            try
            {
                File.Delete(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The next copy replaces it anyway.
            }
        }
    }

    private static DateTimeOffset ParseStamp(string stamp) =>
        DateTimeOffset.ParseExact(stamp, "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [GeneratedRegex(@"^airsenal-(\d{8}T\d{9}Z)(?:-\d+)?\.db$")]
    private static partial Regex BackupName();
}
