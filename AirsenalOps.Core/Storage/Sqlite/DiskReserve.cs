using AirsenalOps.Core.Secrets;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>
/// A file of <see cref="Size"/> bytes kept in DATA_DIR so that a full disk still has room for the one write that
/// makes room: SQLite needs WAL space even to delete. Released just before such a delete, put back once the
/// disk has room again. Written with real bytes (not only allocated), so every file system counts it.
/// </summary>
internal sealed class DiskReserve(string path)
{
    /// <summary>4 MiB: a log delete plus a vacuum step need a few hundred KiB of WAL.</summary>
    public const int Size = 4 * 1024 * 1024;

    /// <summary>Room left to the other writers when the reserve is put back.</summary>
    private const long Margin = 1024 * 1024;

    private readonly Lock _lock = new();

    public string Path { get; } = path;

    /// <summary>True while the reserve is on the disk, whole.</summary>
    public bool Held
    {
        get
        {
            var file = new FileInfo(Path);
            return file.Exists && file.Length == Size;
        }
    }

    /// <summary>Gives the reserve's room to the next write.</summary>
    public void Release()
    {
        lock (_lock)
        {
            File.Delete(Path);
        }
    }

    /// <summary>Writes the reserve when it is missing; false (and nothing left behind) when the disk has no room for it.</summary>
    public bool TryEnsure()
    {
        lock (_lock)
        {
            if (Held)
            {
                return true;
            }

            try
            {
                // Asked first, so a nearly full disk is never filled to the last byte by a try that fails.
                if (new DriveInfo(System.IO.Path.GetDirectoryName(Path)!).AvailableFreeSpace < Size + Margin)
                {
                    return false;
                }

                using (var file = new FileStream(Path, OwnerOnlyFile.Options(FileMode.Create, preallocate: Size)))
                {
                    var zeros = new byte[64 * 1024];
                    for (var written = 0; written < Size; written += zeros.Length)
                    {
                        file.Write(zeros);
                    }

                    file.Flush(flushToDisk: true);
                }

                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // No room (or the folder is not writable): the console works without a reserve until there is.
                try
                {
                    File.Delete(Path);
                }
                catch (IOException)
                {
                    // Gone with the folder.
                }

                return false;
            }
        }
    }
}
