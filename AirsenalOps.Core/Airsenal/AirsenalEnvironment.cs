using System.Globalization;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Airsenal;

public enum CheckState
{
    Ok,

    /// <summary>Works, but something is missing for some commands or will soon fail.</summary>
    Warning,

    /// <summary>Jobs cannot do their work until this is fixed.</summary>
    Failed,
}

/// <summary>One environment check: what was looked at, what was found, and what to do when it is not ok.</summary>
public sealed record EnvironmentCheck(string Id, string Title, CheckState State, string Detail, string? Fix = null);

/// <summary>Free space of the file system holding one of the console's folders.</summary>
public sealed record DiskSpace(string Folder, string MountPoint, long FreeBytes, long TotalBytes);

/// <summary>
/// Is this machine ready to run AIrsenal? The CLI, the secrets the catalogue's commands need, AIrsenal's
/// database and the free disk space where the data lives; each failing check says what to do.
/// </summary>
public sealed class AirsenalEnvironment(
    AirsenalCli cli,
    AirsenalDatabase database,
    ISecretReader secrets,
    CommandCatalogue catalogue,
    IOptions<StorageOptions> storage)
{
    /// <summary>Below this much free space a job's database copies (working copy, backup, temp file) may not fit.</summary>
    public const long MinimumFreeBytes = 500L * 1024 * 1024;

    public async Task<IReadOnlyList<EnvironmentCheck>> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = new List<EnvironmentCheck> { await CheckCliAsync() };
        checks.AddRange(await CheckSecretsAsync(cancellationToken));
        var status = database.GetStatus();
        checks.Add(CheckDatabase(status));
        checks.AddRange(CheckDisks(status));
        return checks;
    }

    /// <summary>Which commands need each secret (from the hooks of the catalogue), in catalogue order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<JobCommand>> SecretsNeeded()
    {
        var needed = new Dictionary<string, List<JobCommand>>(StringComparer.Ordinal);
        foreach (var command in catalogue.All)
        {
            if (command.Hooks is not AirsenalJobHooks hooks)
            {
                continue;
            }

            foreach (var key in hooks.Spec.RequiredSecrets)
            {
                if (!needed.TryGetValue(key, out var list))
                {
                    needed[key] = list = [];
                }

                list.Add(command);
            }
        }

        return needed.ToDictionary(p => p.Key, p => (IReadOnlyList<JobCommand>)p.Value, StringComparer.Ordinal);
    }

    /// <summary>The file systems holding AIrsenal's database and the console's data folder (one entry per mount).</summary>
    public IReadOnlyList<DiskSpace> DiskSpaces()
    {
        var folders = new[] { Path.GetDirectoryName(database.PersistentPath)!, storage.Value.DataDirFullPath };
        var drives = DriveInfo.GetDrives().Where(d => SafeReady(d)).ToList();
        var result = new List<DiskSpace>();
        foreach (var folder in folders)
        {
            // The longest mount point that contains the folder is the file system it lives on (it may not exist yet).
            var drive = drives
                .Where(d => IsUnder(folder, d.RootDirectory.FullName))
                .OrderByDescending(d => d.RootDirectory.FullName.Length)
                .FirstOrDefault();
            if (drive is null || result.Any(r => r.MountPoint == drive.RootDirectory.FullName))
            {
                continue;
            }

            result.Add(new DiskSpace(folder, drive.RootDirectory.FullName, drive.AvailableFreeSpace, drive.TotalSize));
        }

        return result;
    }

    private async Task<EnvironmentCheck> CheckCliAsync()
    {
        var info = await cli.GetInfoAsync();
        if (!info.Found)
        {
            return new EnvironmentCheck("cli", "AIrsenal CLI", CheckState.Failed, info.Error ?? "AIrsenal's commands were not found.",
                "Install AIrsenal (uv sync or pip install airsenal) so that its airsenal_* commands are on PATH, or set AIRSENAL_BIN_DIR to their folder and restart the console.");
        }

        return info.Version is null
            ? new EnvironmentCheck("cli", "AIrsenal CLI", CheckState.Warning, $"Found at {info.Path}, but its version is unknown: {info.Error}",
                "Run airsenal_env get by hand to see why it fails; an AIrsenal that cannot start will fail every job.")
            : new EnvironmentCheck("cli", "AIrsenal CLI", CheckState.Ok, $"AIrsenal {info.Version} at {info.Path}");
    }

    private async Task<IEnumerable<EnvironmentCheck>> CheckSecretsAsync(CancellationToken cancellationToken)
    {
        var set = await secrets.ReadAllAsync(cancellationToken);
        return SecretsNeeded().Select(pair =>
        {
            var (key, commands) = (pair.Key, pair.Value);
            var names = string.Join(", ", commands.Select(c => c.Name));
            if (set.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return new EnvironmentCheck("secret-" + key, key, CheckState.Ok, $"Set; needed by {names}.");
            }

            // A secret only the commands that change the real FPL team need does not stop the weekly work.
            var state = commands.All(c => c.NeedsConfirm) ? CheckState.Warning : CheckState.Failed;
            return new EnvironmentCheck("secret-" + key, key, state, $"Not set; needed by {names}.",
                $"Set {key} on the Settings page (Secrets).");
        });
    }

    private static EnvironmentCheck CheckDatabase(DatabaseStatus status)
    {
        if (!status.Exists)
        {
            return new EnvironmentCheck("database", "AIrsenal database", CheckState.Failed, $"No database at {status.PersistentPath}.",
                "Run setup_db (below) to build it from past seasons and the FPL API; it takes a while.");
        }

        var size = FormatBytes(status.SizeBytes ?? 0);
        var updated = status.ModifiedAt?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "unknown";
        return new EnvironmentCheck("database", "AIrsenal database", CheckState.Ok,
            $"{status.PersistentPath}: {size}, last updated {updated}{(status.InUse ? "; a job is using it now" : string.Empty)}.");
    }

    private IEnumerable<EnvironmentCheck> CheckDisks(DatabaseStatus status)
    {
        // A job needs room for the working copy, the dated backup and a temp file: about three database sizes.
        var needed = Math.Max(MinimumFreeBytes, 3 * (status.SizeBytes ?? 0));
        var disks = DiskSpaces();
        if (disks.Count == 0)
        {
            yield return new EnvironmentCheck("disk", "Free disk space", CheckState.Warning, "The free space of the data folders could not be read.");
            yield break;
        }

        foreach (var disk in disks)
        {
            var detail = $"{FormatBytes(disk.FreeBytes)} free of {FormatBytes(disk.TotalBytes)} on {disk.MountPoint} (holds {disk.Folder}).";
            yield return disk.FreeBytes >= needed
                ? new EnvironmentCheck("disk-" + disk.MountPoint, "Free disk space", CheckState.Ok, detail)
                : new EnvironmentCheck("disk-" + disk.MountPoint, "Free disk space", CheckState.Failed, detail,
                    $"Free at least {FormatBytes(needed)} there (a job copies the database twice), or lower DB_BACKUPS to keep fewer backups.");
        }
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private static bool IsUnder(string folder, string root)
    {
        var full = Path.GetFullPath(folder);
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.Equals(root.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal) || full.StartsWith(prefix, StringComparison.Ordinal) || root == "/";
    }

    private static bool SafeReady(DriveInfo drive)
    {
        try
        {
            return drive.IsReady && drive.TotalSize > 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
