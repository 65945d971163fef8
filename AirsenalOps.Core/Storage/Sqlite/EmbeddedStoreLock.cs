using AirsenalOps.Core.Secrets;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>
/// The embedded store serves one console at a time: a lock file in DATA_DIR held for the process's lifetime. Two
/// consoles on one file would each recover the other's running jobs at start and run every queued job twice. The lock
/// is the operating system's (an exclusive open: flock on Linux), so it goes with the process, even a killed one.
/// </summary>
public sealed class EmbeddedStoreLock : IDisposable
{
    public const string FileName = "airsenalops.lock";

    private readonly FileStream _file;

    private EmbeddedStoreLock(FileStream file) => _file = file;

    /// <summary>Takes the lock of <paramref name="dataDir"/>, or throws a one-line <see cref="ConfigurationException"/> when another console holds it.</summary>
    public static EmbeddedStoreLock Acquire(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, FileName);
        try
        {
            var options = OwnerOnlyFile.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite);
            options.Share = FileShare.None;
            var file = new FileStream(path, options);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true))
            {
                // For the operator who finds the file: who holds it.
                writer.Write($"{Environment.ProcessId} {Environment.MachineName}\n");
            }

            file.Flush(flushToDisk: true);
            return new EmbeddedStoreLock(file);
        }
        catch (IOException ex)
        {
            throw new ConfigurationException(
                $"DATA_DIR {dataDir} is in use by another console ({path} is locked): the embedded store serves one console at a time; stop the other one, or set MONGO_URL and DB_NAME to run several consoles on one MongoDB.",
                ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
