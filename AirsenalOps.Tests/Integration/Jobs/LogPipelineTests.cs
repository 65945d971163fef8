using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>Lines are pushed live as soon as they are numbered and stored just after: replay stays whole.</summary>
public sealed class LogPipelineTests : IDisposable
{
    private readonly JobsFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Watch_WaitsForLinesPushedLiveButNotYetStored_AndKeepsOrderWithoutGaps()
    {
        var storage = _factory.Storage;
        var notifier = _factory.Services.GetRequiredService<JobNotifier>();
        var job = new JobRecord { Id = Guid.NewGuid().ToString(), Command = "update_db", Status = JobStatus.Running, CreatedAt = DateTimeOffset.UtcNow };
        await storage.Jobs.InsertAsync(job, CancellationToken.None);
        await storage.Logs.AppendAsync(job.Id, Lines(1, 3), CancellationToken.None);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<long>();
        await using var feed = _factory.Jobs.WatchAsync(job.Id, 0, timeout.Token).GetAsyncEnumerator(timeout.Token);
        // Stored lines first, then the job itself; the live feed follows.
        do
        {
            Assert.True(await feed.MoveNextAsync());
            if (feed.Current is JobLinesEvent stored)
            {
                seen.AddRange(stored.Lines.Select(l => l.Seq));
            }
        }
        while (feed.Current is not JobChangedEvent);

        Assert.Equal([1L, 2, 3], seen);

        // Lines 4 and 5 were numbered before this viewer's subscription and are still on their way to
        // storage; line 6 arrives live. The viewer must wait for 4 and 5 instead of skipping them.
        notifier.Publish(new JobLinesEvent(job.Id, Lines(6, 6)));
        var next = feed.MoveNextAsync().AsTask();
        await Task.Delay(200, timeout.Token);
        Assert.False(next.IsCompleted);
        await storage.Logs.AppendAsync(job.Id, Lines(4, 6), CancellationToken.None);
        while (seen.Count < 6)
        {
            Assert.True(await next);
            if (feed.Current is JobLinesEvent lines)
            {
                seen.AddRange(lines.Lines.Select(l => l.Seq));
            }

            next = feed.MoveNextAsync().AsTask();
        }

        Assert.Equal([1L, 2, 3, 4, 5, 6], seen);
        await timeout.CancelAsync();
        try
        {
            await next;
        }
        catch (OperationCanceledException)
        {
            // The feed ends with the viewer.
        }
    }

    [Fact]
    public async Task Append_BatchSpanningSeveralStoredChunks_IsStoredWholeInOrder()
    {
        // The SQLite store keeps up to 2048 lines a row: several full chunks, a partial one, then a single line.
        var id = Guid.NewGuid().ToString();
        await _factory.Storage.Logs.AppendAsync(id, Lines(1, 5001), CancellationToken.None);
        await _factory.Storage.Logs.AppendAsync(id, Lines(5002, 5002), CancellationToken.None);

        var stored = await _factory.Storage.Logs.ReadAsync(id, 0, 10_000, CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 5002).Select(i => $"line {i}"), stored.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(1, 5002).Select(i => (long)i), stored.Select(l => l.Seq));
        Assert.Equal(5002, await _factory.Storage.Logs.LastSeqAsync(id, CancellationToken.None));
    }

    private static LogLine[] Lines(long from, long to) =>
        [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => new LogLine(i, DateTimeOffset.UtcNow, LogSource.Stdout, $"line {i}"))];
}
