using Microsoft.Data.Sqlite;

namespace AirsenalOps.Core.Storage;

/// <summary>
/// The storage failures a client can act on, told apart from other errors so the API answers them with a status
/// and a sentence (507 for a full disk, 503 for a database another process holds) instead of a bare 500.
/// </summary>
public static class StorageFailures
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteFull = 13;

    /// <summary>errno ENOSPC (Linux), as .NET puts it in an IOException's HResult on Unix.</summary>
    private const int NoSpace = 28;

    /// <summary>Windows' ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL as HRESULTs.</summary>
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);
    private const int WindowsDiskFull = unchecked((int)0x80070070);

    public const string DiskFullDetail =
        "The console's data folder (DATA_DIR) is full, so nothing new can be stored. Free space on its disk, or delete old job logs "
        + "(DELETE /api/jobs/logs, or Clear logs on a job's page): deleting logs works on a full disk and gives their space back.";

    public const string LockedDetail =
        "The console's database is locked by another process (a backup tool or an sqlite3 shell holding DATA_DIR/airsenalops.db): "
        + "nothing could be stored. Try again once that process has let go of the file.";

    /// <summary>The disk under the store has no room (SQLite's SQLITE_FULL, or ENOSPC from a file write).</summary>
    public static bool IsDiskFull(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteFull }
                || e is IOException { HResult: NoSpace or WindowsHandleDiskFull or WindowsDiskFull })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Another connection held the database's lock for longer than the busy timeout.</summary>
    public static bool IsLocked(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked })
            {
                return true;
            }
        }

        return false;
    }
}
