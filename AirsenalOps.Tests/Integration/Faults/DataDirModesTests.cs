using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.Faults;

/// <summary>
/// DATA_DIR holds job logs, the audit log and the keys (issue 13.13): after a real start and a job the folder and
/// every folder under it are 0700 and every file 0600 (the database and its -wal/-shm, keys/, the reserve...), also
/// when the folder was left 0755 with 0644 files; the console says in one line what it tightened.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataDirModesTests : IDisposable
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Loose = UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task CreatedOwnerOnly_AndALooserFolderIsTightenedAtStart_WithOneLogLine()
    {
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 0);
        var dataDir = settings["DATA_DIR"];
        Assert.False(Directory.Exists(dataDir));

        await using (var first = await StartAndRunAJobAsync(settings))
        {
            AssertOwnerOnly(dataDir, first);
            Assert.DoesNotContain("made owner-only", first.RecentOutput(), StringComparison.Ordinal);
            await first.StopAsync();
        }

        // As an earlier version (or a careless copy) left it: everything readable by everyone.
        File.WriteAllText(Path.Combine(dataDir, "revoked-sessions.json"), "{}");
        foreach (var entry in Entries(dataDir).Append(dataDir))
        {
            File.SetUnixFileMode(entry, File.GetUnixFileMode(entry) | Loose | (Directory.Exists(entry) ? UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : 0));
        }

        Assert.Equal(Folder | Loose | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute, File.GetUnixFileMode(dataDir));

        await using var second = await StartAndRunAJobAsync(settings);
        AssertOwnerOnly(dataDir, second);
        var tightened = second.RecentOutput().Split('\n').Where(l => l.Contains("made owner-only", StringComparison.Ordinal)).ToList();
        Assert.Single(tightened);
        Assert.Contains("revoked-sessions.json", tightened[0], StringComparison.Ordinal);
    }

    private static async Task<ConsoleProcess> StartAndRunAJobAsync(Dictionary<string, string> settings)
    {
        var console = await ConsoleProcess.StartAsync(settings);
        await console.SetSecretAsync("FPL_TEAM_ID", "742663");
        var id = await console.CreateJobAsync("check_data");
        Assert.Equal("completed", (await console.WaitForJobAsync(id, ConsoleProcess.IsFinished)).GetProperty("status").GetString());
        // A page with a form: the antiforgery token needs the Data Protection key ring in DATA_DIR/keys.
        using var login = await console.Client.GetAsync(new Uri("/login", UriKind.Relative));
        Assert.True(login.IsSuccessStatusCode);
        return console;
    }

    private static IEnumerable<string> Entries(string dataDir) => Directory.EnumerateFileSystemEntries(dataDir, "*", SearchOption.AllDirectories);

    /// <summary>What `find DATA_DIR` lists: the folder and every folder 0700, every file 0600.</summary>
    private static void AssertOwnerOnly(string dataDir, ConsoleProcess console)
    {
        var names = Entries(dataDir).Select(e => Path.GetRelativePath(dataDir, e)).ToList();
        Assert.Contains("airsenalops.db", names);
        Assert.Contains("airsenalops.db-wal", names);
        Assert.Contains("airsenalops.db-shm", names);
        Assert.Contains(names, n => n.StartsWith("keys/key-", StringComparison.Ordinal));
        var wrong = Entries(dataDir).Append(dataDir)
            .Select(e => (Entry: e, Mode: File.GetUnixFileMode(e), Wanted: Directory.Exists(e) ? Folder : File0600))
            .Where(e => e.Mode != e.Wanted)
            .Select(e => $"{Convert.ToString((int)e.Mode, 8)} {e.Entry}")
            .ToList();
        Assert.True(wrong.Count == 0, "not owner-only:\n" + string.Join('\n', wrong) + "\n" + console.RecentOutput());
    }
}
