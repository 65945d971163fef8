using System.Globalization;
using System.Text.Json;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.Faults;

/// <summary>
/// The console killed with SIGKILL in the middle of a job, then started again on the same data: nothing of the
/// job's process tree survives, the job is reconciled, its stored log is intact up to the kill, and the jobs
/// queued behind it run in the order they were created.
/// </summary>
public sealed class ConsoleKillTests : IDisposable
{
    /// <summary>The fake update_db prints a tick every 50 ms; the kill may lose what the last second printed.</summary>
    private static readonly TimeSpan MaxLoss = TimeSpan.FromSeconds(1);

    private readonly TempDirectory _root = new();
    private string? _jobId;

    public void Dispose()
    {
        // Should the test fail before the second console recovers the job, its orphaned workers must not outlive the test.
        if (_jobId is not null)
        {
            ProcessGroup.KillLeftovers(_jobId, null);
        }

        _root.Dispose();
    }

    [Fact]
    public async Task KillNine_MidJob_TreeIsGone_JobIsRetried_LogIsIntact_AndTheQueueRunsInOrder()
    {
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 1);
        string jobId;
        string[] queued;
        List<int> tree;
        await using (var first = await ConsoleProcess.StartAsync(settings))
        {
            await first.SetSecretAsync("FPL_TEAM_ID", "742663");
            await first.SetSecretAsync("FAKE_SCENARIO", "tree");
            jobId = _jobId = await first.CreateJobAsync("update_db");
            await WaitUntilAsync(async () => (await first.ReadLogAsync(jobId)) is var lines
                && lines.Any(l => l.Text.StartsWith("worker generation 2", StringComparison.Ordinal))
                && lines.Count(l => l.Text.StartsWith("tick ", StringComparison.Ordinal)) >= 20);
            // Queued behind the running job (one job at a time), in this order.
            queued = [await first.CreateJobAsync("check_data"), await first.CreateJobAsync("check_data"), await first.CreateJobAsync("check_data")];
            tree = [.. ProcessGroup.FindByMarker(jobId)];
            Assert.True(tree.Count >= 3, $"expected the leader, a worker and a grand-worker; found {tree.Count}");
            Assert.Contains(tree, ProcessGroup.LeadsGroup);

            await first.KillAsync();
        }

        // The leader dies with the console (its parent-death signal), so it prints no more.
        var leader = tree.Single(ProcessGroup.LeadsGroup);
        await WaitUntilAsync(() => Task.FromResult(!IsRunning(leader)));
        var (lastPrinted, lastPrintedAt) = ReadLastTick();

        await using var second = await ConsoleProcess.StartAsync(settings);

        // Recovery at start kills what is left of the tree (workers in the group, found by the job's marker).
        await WaitUntilAsync(() => Task.FromResult(tree.All(pid => !IsRunning(pid)) && ProcessGroup.FindByMarker(jobId).Count == 0));

        var job = await second.WaitForJobAsync(jobId, ConsoleProcess.IsFinished);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(1, job.GetProperty("retry_count").GetInt32());
        var firstAttempt = job.GetProperty("attempts")[0];
        Assert.Equal("interrupted", firstAttempt.GetProperty("outcome").GetString());
        Assert.StartsWith("Interrupted", firstAttempt.GetProperty("error").GetString(), StringComparison.Ordinal);

        // The stored log: numbered without a gap, the ticks in order without a gap, up to (at most a second before) the kill.
        var log = await second.ReadLogAsync(jobId);
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(l => l.Seq));
        var ticks = log.Where(l => l.Text.StartsWith("tick ", StringComparison.Ordinal)).Select(l => ParseTick(l.Text)).ToList();
        Assert.Equal(Enumerable.Range(1, ticks.Count), ticks.Select(t => t.Number));
        var lost = lastPrintedAt - ticks[^1].At;
        Assert.True(lost <= MaxLoss, $"printed up to tick {lastPrinted}, stored up to tick {ticks[^1].Number}: {lost.TotalMilliseconds:0} ms of output lost");
        var recovered = log.FindIndex(l => l.Text.Contains("Recovered at start", StringComparison.Ordinal));
        Assert.True(recovered > log.FindLastIndex(l => l.Text.StartsWith("tick ", StringComparison.Ordinal)), "the recovery note follows the stored ticks");
        Assert.Contains(log, l => l.Text.Contains("nothing left to do", StringComparison.Ordinal));

        // Then the queue, oldest first.
        var started = new List<DateTimeOffset> { job.GetProperty("started_at").GetDateTimeOffset() };
        foreach (var id in queued)
        {
            var done = await second.WaitForJobAsync(id, ConsoleProcess.IsFinished);
            Assert.Equal("completed", done.GetProperty("status").GetString());
            started.Add(done.GetProperty("started_at").GetDateTimeOffset());
        }

        Assert.Equal(started.Order(), started);
        Assert.Equal(started.Count, started.Distinct().Count());
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    internal static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the condition did not hold within {seconds} s");
            await Task.Delay(200);
        }
    }

    private (int Number, DateTimeOffset At) ReadLastTick() =>
        ParseTick("tick " + File.ReadAllText(Path.Combine(_root.Path, "home", "last_tick")));

    /// <summary>"tick N unix-ns" as the fake update_db prints it.</summary>
    private static (int Number, DateTimeOffset At) ParseTick(string text)
    {
        var parts = text.Split(' ');
        var nanoseconds = long.Parse(parts[2], CultureInfo.InvariantCulture);
        return (int.Parse(parts[1], CultureInfo.InvariantCulture), DateTimeOffset.FromUnixTimeMilliseconds(nanoseconds / 1_000_000));
    }
}
