using System.Diagnostics;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Sqlite;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>Nothing stays "running" across a console restart, and no process outlives its job.</summary>
public sealed class JobRecoveryTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData(1, JobStatus.Completed)]
    [InlineData(0, JobStatus.Failed)]
    public async Task JobLeftRunningByADeadConsole_IsRetriedOrFailed_AndItsProcessTreeKilled(int maxRetries, JobStatus expected)
    {
        var id = Guid.NewGuid().ToString();
        var output = Path.Combine(_data.Path, "orphan-tree.log");
        var leader = StartOrphanTree(id, output);
        await JobControlTests.WaitUntilAsync(() => File.Exists(output) && File.ReadAllText(output).Contains("worker generation 2", StringComparison.Ordinal));
        await SeedAsync(new JobRecord
        {
            Id = id,
            Command = "ok",
            Status = JobStatus.Running,
            CreatedAt = DateTimeOffset.UtcNow,
            StartedAt = DateTimeOffset.UtcNow,
            MaxRetries = maxRetries,
            ProcessGroupId = leader,
            Owner = "a-console-that-died",
        });

        using var factory = new JobsFactory(Settings());
        _ = factory.Services; // starts the host, which recovers at start
        var done = await factory.WaitForFinishAsync(id);

        Assert.Equal(expected, done.Status);
        Assert.Equal("interrupted", done.Attempts[0].Outcome);
        if (expected == JobStatus.Failed)
        {
            Assert.StartsWith("Interrupted", done.Error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(1, done.RetryCount);
        }

        await JobControlTests.WaitUntilAsync(() => ProcessGroup.FindByMarker(id).Count == 0);
        Assert.Contains(await factory.AllLinesAsync(id), l => l.Text.Contains("Recovered at start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoppingTheConsoleMidJob_StopsTheTree_AndANewConsoleRunsTheJobAgain()
    {
        string id;
        using (var first = new JobsFactory(Settings(maxRetries: 1)))
        {
            var job = await first.Jobs.CreateAsync("tree", null, CancellationToken.None);
            id = job.Id;
            await JobControlTests.WaitUntilAsync(async () => (await first.AllLinesAsync(id)).Any(l => l.Text.StartsWith("worker generation 2", StringComparison.Ordinal)));
        }

        await JobControlTests.WaitUntilAsync(() => ProcessGroup.FindByMarker(id).Count == 0);
        using var second = new JobsFactory(Settings(maxRetries: 1));
        var again = await second.WaitForJobAsync(id, j => j.Status == JobStatus.Running && j.Attempts.Count == 1);
        Assert.Equal("interrupted", again.Attempts[0].Outcome);
        Assert.Equal(1, again.RetryCount);

        await second.Jobs.CancelAsync(id, CancellationToken.None);
        Assert.Equal(JobStatus.Cancelled, (await second.WaitForFinishAsync(id)).Status);
        await JobControlTests.WaitUntilAsync(() => ProcessGroup.FindByMarker(id).Count == 0);
    }

    [Fact]
    public async Task JobLeftCancelling_IsCancelledAtStart()
    {
        var id = Guid.NewGuid().ToString();
        await SeedAsync(new JobRecord { Id = id, Command = "ok", Status = JobStatus.Cancelling, CreatedAt = DateTimeOffset.UtcNow, MaxRetries = 3 });

        using var factory = new JobsFactory(Settings());
        var done = await factory.WaitForFinishAsync(id);

        Assert.Equal(JobStatus.Cancelled, done.Status);
    }

    private Dictionary<string, string?> Settings(int maxRetries = 0) => new()
    {
        ["DATA_DIR"] = _data.Path,
        ["MAX_JOB_RETRIES"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task SeedAsync(JobRecord job)
    {
        var storage = new SqliteStorage(Path.Combine(_data.Path, StorageServiceCollectionExtensions.EmbeddedDatabaseFile));
        await storage.InitializeAsync(CancellationToken.None);
        await storage.Jobs.InsertAsync(job, CancellationToken.None);
    }

    /// <summary>
    /// A job tree as a killed console leaves it: its own session, the job's marker, no parent watching.
    /// Its output goes to a file: a pipe nobody reads would kill the tree with SIGPIPE at its first print.
    /// </summary>
    private static int StartOrphanTree(string jobId, string outputFile)
    {
        // sh and setsid exec in turn (neither is a group leader), so the pid is the tree's leader.
        var start = new ProcessStartInfo("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec setsid \"$0\" tree > \"$1\" 2>&1 < /dev/null");
        start.ArgumentList.Add(Path.Combine(FakeAirsenal.Directory, "fake_job"));
        start.ArgumentList.Add(outputFile);
        start.Environment[ProcessGroup.MarkerVariable] = jobId;
        using var process = Process.Start(start)!;
        return process.Id;
    }
}
