using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>Cancel, timeouts and the watchdog, on real process trees.</summary>
public sealed class JobControlTests : IDisposable
{
    private readonly JobsFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Cancel_KillsWholeProcessTree()
    {
        var job = await _factory.Jobs.CreateAsync("tree", null, CancellationToken.None);
        await WaitForLineAsync(job.Id, "worker generation 2");
        var processes = ProcessGroup.FindByMarker(job.Id);
        Assert.True(processes.Count >= 3, $"expected leader, child and grandchild; found {processes.Count}");

        var result = await _factory.Jobs.CancelAsync(job.Id, CancellationToken.None);

        Assert.Equal(JobActionStatus.Done, result.Status);
        var done = await _factory.WaitForFinishAsync(job.Id);
        Assert.Equal(JobStatus.Cancelled, done.Status);
        Assert.Equal("cancelled", Assert.Single(done.Attempts).Outcome);
        await WaitUntilAsync(() => ProcessGroup.FindByMarker(job.Id).Count == 0 && processes.All(p => !IsRunning(p)));
    }

    [Fact]
    public async Task Cancel_PendingJobIsCancelledAtOnce_FinishedIsRefused_UnknownIsNotFound()
    {
        var running = await _factory.Jobs.CreateAsync("tree", null, CancellationToken.None);
        await _factory.WaitForJobAsync(running.Id, j => j.Status == JobStatus.Running);
        var queued = await _factory.Jobs.CreateAsync("ok", null, CancellationToken.None);

        var cancelQueued = await _factory.Jobs.CancelAsync(queued.Id, CancellationToken.None);

        Assert.Equal(JobActionStatus.Done, cancelQueued.Status);
        Assert.Equal(JobStatus.Cancelled, (await _factory.Jobs.GetAsync(queued.Id, CancellationToken.None))!.Status);
        Assert.Equal(JobActionStatus.NotAllowed, (await _factory.Jobs.CancelAsync(queued.Id, CancellationToken.None)).Status);
        Assert.Equal(JobActionStatus.NotFound, (await _factory.Jobs.CancelAsync("no-such-job", CancellationToken.None)).Status);

        await _factory.Jobs.CancelAsync(running.Id, CancellationToken.None);
        Assert.Equal(JobStatus.Cancelled, (await _factory.WaitForFinishAsync(running.Id)).Status);
        // The cancelled job never ran.
        Assert.Empty((await _factory.Jobs.GetAsync(queued.Id, CancellationToken.None))!.Attempts);
    }

    [Fact]
    public async Task Watchdog_StopsAJobThatPrintsNothing()
    {
        var job = await _factory.Jobs.CreateAsync("hang", null, CancellationToken.None);

        var done = await _factory.WaitForFinishAsync(job.Id);

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Contains("watchdog", done.Error, StringComparison.Ordinal);
        Assert.Contains("no output and no progress for 2 s", done.Error, StringComparison.Ordinal);
        await WaitUntilAsync(() => ProcessGroup.FindByMarker(job.Id).Count == 0);
    }

    [Fact]
    public async Task Timeout_StopsAJobRunningLongerThanItsMaximum()
    {
        var job = await _factory.Jobs.CreateAsync("chatty", null, CancellationToken.None);

        var done = await _factory.WaitForFinishAsync(job.Id);

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal("Timed out: still running after 3 s; the process tree was stopped.", done.Error);
        await WaitUntilAsync(() => ProcessGroup.FindByMarker(job.Id).Count == 0);
    }

    private async Task WaitForLineAsync(string id, string text)
    {
        await WaitUntilAsync(async () => (await _factory.AllLinesAsync(id)).Any(l => l.Text.StartsWith(text, StringComparison.Ordinal)));
    }

    /// <summary>Alive and not a zombie (a container's init may be slow to reap re-parented processes).</summary>
    internal static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    internal static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(50);
        }
    }
}
