using System.Diagnostics;
using System.Security.Cryptography;
using AirsenalOps.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Tests.Integration.Faults;

/// <summary>
/// AIrsenal's working copy on a full disk: the job fails saying so, and the persistent copy is untouched.
/// The working copy lives on a 64 KiB tmpfs; see <see cref="SmallDisk"/> for how one is made without root.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [SmallDiskFact]
    public async Task CopyDoesNotFit_JobFailsSayingTheDiskIsFull_PersistentCopyUntouched()
    {
        var persistent = WritePersistent(rows: 24); // ~400 KiB: cannot fit on the 64 KiB disk
        var before = Fingerprint(persistent);

        var job = await RunUpdateDbAsync(scenario: null);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        var error = job.GetProperty("error").GetString()!;
        Assert.Contains("is full", error, StringComparison.Ordinal);
        Assert.Contains("persistent database was not changed", error, StringComparison.Ordinal);
        AssertUntouched(persistent, before);
    }

    [SmallDiskFact]
    public async Task AirsenalFillsTheDisk_JobFailsSayingTheDiskIsFull_PersistentCopyUntouched()
    {
        var persistent = WritePersistent(rows: 1); // fits; the fake update_db then writes until the disk is full
        var before = Fingerprint(persistent);

        var job = await RunUpdateDbAsync(scenario: "fill");

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("disk", job.GetProperty("error").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("full", job.GetProperty("error").GetString()!, StringComparison.OrdinalIgnoreCase);
        AssertUntouched(persistent, before);
    }

    private async Task<System.Text.Json.JsonElement> RunUpdateDbAsync(string? scenario)
    {
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 0);
        var disk = _root.File("small-disk");
        Directory.CreateDirectory(disk);
        settings["LOCAL_DB_PATH"] = Path.Combine(disk, "airsenal.db");
        await using var mounted = await SmallDisk.MountAsync(disk);
        await using var console = await ConsoleProcess.StartAsync(settings, mounted.Wrapper);
        await console.SetSecretAsync("FPL_TEAM_ID", "742663");
        if (scenario is not null)
        {
            await console.SetSecretAsync("FAKE_SCENARIO", scenario);
        }

        var id = await console.CreateJobAsync("update_db");
        return await console.WaitForJobAsync(id, ConsoleProcess.IsFinished);
    }

    private string WritePersistent(int rows)
    {
        var path = Path.Combine(_root.Path, "airsenal", "data.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE marker (value TEXT); INSERT INTO marker VALUES ('v0'); CREATE TABLE filler (data BLOB);";
        command.ExecuteNonQuery();
        for (var i = 0; i < rows; i++)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO filler VALUES ($data)";
            insert.Parameters.AddWithValue("$data", RandomNumberGenerator.GetBytes(16_384));
            insert.ExecuteNonQuery();
        }

        return path;
    }

    private static (string Hash, DateTime Modified) Fingerprint(string path) =>
        (Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))), File.GetLastWriteTimeUtc(path));

    private static void AssertUntouched(string persistent, (string Hash, DateTime Modified) before)
    {
        Assert.Equal(before, Fingerprint(persistent));
        // No backup was made and nothing was left next to it.
        Assert.Equal(["data.db"], Directory.GetFileSystemEntries(Path.GetDirectoryName(persistent)!).Select(Path.GetFileName).Where(n => n != "home"));
    }
}

/// <summary>Runs only where a size-limited tmpfs can be mounted; says why otherwise.</summary>
public sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.Technique is null)
        {
            Skip = SmallDisk.Unavailable;
        }
    }
}

/// <summary>
/// A 64 KiB tmpfs, so writes fail with ENOSPC exactly as on a full disk. Without root the console runs inside
/// its own user and mount namespace (<c>unshare --map-root-user --mount</c>), where it may mount a tmpfs that
/// nobody else sees and that vanishes with it; as root (when user namespaces are off) the tmpfs is mounted
/// directly and unmounted afterwards.
/// </summary>
internal sealed class SmallDisk : IAsyncDisposable
{
    private const string Size = "64k";
    private readonly string? _mountedAt;
    private readonly Process? _holder;

    private SmallDisk(IReadOnlyList<string>? wrapper, string? mountedAt, Process? holder = null)
    {
        Wrapper = wrapper;
        _mountedAt = mountedAt;
        _holder = holder;
    }

    public const string Unavailable =
        "Needs a size-limited tmpfs: neither an unprivileged mount namespace (unshare --map-root-user --mount) nor root's mount works here.";

    /// <summary>"namespace", "root" or null when neither works on this machine.</summary>
    public static string? Technique { get; } = Probe();

    /// <summary>The command to start the console through (null: start it directly).</summary>
    public IReadOnlyList<string>? Wrapper { get; }

    public static async Task<SmallDisk> MountAsync(string folder)
    {
        if (Technique == "namespace")
        {
            return new SmallDisk(NamespaceWrapper(folder), null);
        }

        var (code, error) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=" + Size, "tmpfs", folder);
        Assert.True(code == 0, "mount failed: " + error);
        return new SmallDisk(null, folder);
    }

    /// <summary>
    /// A tmpfs of <paramref name="size"/> over <paramref name="folder"/> that outlives the consoles started on it, so
    /// a console can be killed and started again on the same full disk. In a namespace a holder process keeps the
    /// mount alive and consoles join it (<c>nsenter</c>); the test reaches its files through <see cref="HostPath"/>.
    /// </summary>
    public static async Task<SmallDisk> HoldAsync(string folder, string size)
    {
        if (Technique != "namespace")
        {
            var (code, error) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", folder);
            Assert.True(code == 0, "mount failed: " + error);
            return new SmallDisk(null, folder);
        }

        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--map-root-user", "--mount", "sh", "-c", $"mount -t tmpfs -o size={size} tmpfs \"$0\" && echo mounted && exec sleep infinity", folder })
        {
            start.ArgumentList.Add(argument);
        }

        var holder = Process.Start(start)!;
        var stderr = holder.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await holder.StandardOutput.ReadLineAsync(timeout.Token);
        if (line != "mounted")
        {
            holder.Kill();
            Assert.Fail("the holder did not mount its tmpfs: " + await stderr);
        }

        var pid = holder.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new SmallDisk(["nsenter", "--target", pid, "--user", "--mount", "--preserve-credentials"], null, holder);
    }

    /// <summary>Where the test itself reads and writes <paramref name="path"/> (a path under the held folder).</summary>
    public string HostPath(string path) =>
        _holder is null ? path : $"/proc/{_holder.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}/root{Path.GetFullPath(path)}";

    /// <summary>Writes <paramref name="path"/> (on this disk) until the disk has no byte left; returns the bytes written.</summary>
    public long Fill(string path)
    {
        using var file = new FileStream(HostPath(path), FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        var block = new byte[64 * 1024];
        foreach (var size in new[] { block.Length, 4096, 512, 1 })
        {
            try
            {
                while (true)
                {
                    file.Write(block, 0, size);
                }
            }
            catch (IOException)
            {
                // Full for writes of this size; smaller ones may still fit.
            }
        }

        return file.Length;
    }

    /// <summary>Gives back what <see cref="Fill"/> took.</summary>
    public void Release(string path) => File.Delete(HostPath(path));

    public async ValueTask DisposeAsync()
    {
        if (_holder is not null)
        {
            _holder.Kill();
            await _holder.WaitForExitAsync();
            _holder.Dispose();
        }
        else if (_mountedAt is not null)
        {
            await RunAsync("umount", "-l", _mountedAt);
        }
    }

    /// <summary>unshare, then mount the tmpfs over <paramref name="folder"/> and exec the rest of the arguments.</summary>
    private static List<string> NamespaceWrapper(string folder) =>
        ["unshare", "--map-root-user", "--mount", "sh", "-c", $"mount -t tmpfs -o size={Size} tmpfs \"$0\" && exec \"$@\"", folder];

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var folder = Path.Combine(Path.GetTempPath(), "airsenalops-smalldisk-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            if (Run([.. NamespaceWrapper(folder), "true"]) == 0)
            {
                return "namespace";
            }

            if (Environment.UserName == "root" && Run(["mount", "-t", "tmpfs", "-o", "size=" + Size, "tmpfs", folder]) == 0)
            {
                Run(["umount", folder]);
                return "root";
            }

            return null;
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    private static int Run(IReadOnlyList<string> command)
    {
        try
        {
            var (code, _) = RunAsync([.. command]).GetAwaiter().GetResult();
            return code;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    private static async Task<(int Code, string Error)> RunAsync(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await error);
    }
}
