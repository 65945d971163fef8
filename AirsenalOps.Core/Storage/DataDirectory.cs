namespace AirsenalOps.Core.Storage;

/// <summary>
/// DATA_DIR holds job logs, the audit log, the admin's address and the generated keys: only the console's user may
/// read it. The folder is created 0700 and every file in it is 0600 (the database and its -wal/-shm follow the
/// database file's mode, which <see cref="Sqlite.SqliteStorage"/> creates 0600); a folder left looser by an earlier
/// version or by hand is tightened at start.
/// </summary>
public static class DataDirectory
{
    /// <summary>The Data Protection key ring's folder inside DATA_DIR.</summary>
    public const string KeysFolder = "keys";

    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates <paramref name="path"/> (and its keys folder) owner-only, and takes group and other permissions off every
    /// folder and file under it that the console may change (symbolic links and entries of other users are left
    /// alone). Returns the entries it tightened, relative to <paramref name="path"/> ("." for the folder itself).
    /// </summary>
    public static IReadOnlyList<string> Secure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Path.Combine(path, KeysFolder));
            return [];
        }

        Directory.CreateDirectory(path, FolderMode);
        Directory.CreateDirectory(Path.Combine(path, KeysFolder), FolderMode);
        var tightened = new List<string>();
        Tighten(new DirectoryInfo(path), path, tightened);
        return tightened;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(FileSystemInfo entry, string root, List<string> tightened)
    {
        if (entry.LinkTarget is not null)
        {
            return;
        }

        var wanted = entry is DirectoryInfo ? FolderMode : FileMode;
        var mode = entry.UnixFileMode;
        // Only bits are taken away: a file the owner made read-only stays read-only.
        if ((mode & ~wanted) != 0)
        {
            try
            {
                entry.UnixFileMode = mode & wanted;
                tightened.Add(Path.GetRelativePath(root, entry.FullName));
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // Another user's entry: not the console's to change.
            }
        }

        if (entry is DirectoryInfo folder)
        {
            foreach (var child in folder.EnumerateFileSystemInfos())
            {
                Tighten(child, root, tightened);
            }
        }
    }
}
