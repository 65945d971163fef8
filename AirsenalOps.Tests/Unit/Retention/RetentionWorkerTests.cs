using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Retention;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Sqlite;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Unit.Retention;

/// <summary>The background run: once shortly after start, then every interval, on the console's clock.</summary>
public sealed class RetentionWorkerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Worker_RunsShortlyAfterStart_AndAgainAfterEachInterval()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        var storage = new SqliteStorage(_dir.File("airsenalops.db"));
        await storage.InitializeAsync(CancellationToken.None);
        var audit = new AuditLog(storage.Audit, time, NullLogger<AuditLog>.Instance);
        var retention = new LogRetention(
            storage, new JobStateChanger(storage, new JobNotifier(), audit, time), audit, time,
            Options.Create(new RetentionOptions { LogRetentionDays = 1, RetentionIntervalMinutes = 60 }), NullLogger<LogRetention>.Instance);
        var first = await AddFinishedJobAsync(storage, time.GetUtcNow().AddDays(-2));
        using var worker = new RetentionWorker(retention, time, NullLogger<RetentionWorker>.Instance);

        var started = time.GetUtcNow();
        await worker.StartAsync(CancellationToken.None);
        // The worker's loop starts on the thread pool: step the clock until its first run, which waits 15 s.
        await WaitForAsync(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return await storage.Logs.CountAsync(first, CancellationToken.None) == 0;
        });
        Assert.True(time.GetUtcNow() - started >= TimeSpan.FromSeconds(15));

        // A job that becomes old later is purged by the next run, an interval on, and not before.
        var second = await AddFinishedJobAsync(storage, time.GetUtcNow().AddDays(-2));
        time.Advance(TimeSpan.FromMinutes(58));
        Assert.Equal(3, await storage.Logs.CountAsync(second, CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(2));
        await WaitForAsync(async () => await storage.Logs.CountAsync(second, CancellationToken.None) == 0);
        await worker.StopAsync(CancellationToken.None);
        Assert.Equal(2, (await storage.Audit.ListAsync(new AuditQuery(AuditAction.RetentionPurged), CancellationToken.None)).Count);
    }

    private static async Task<string> AddFinishedJobAsync(SqliteStorage storage, DateTimeOffset endedAt)
    {
        var job = new JobRecord { Id = Guid.NewGuid().ToString(), Command = "predict", Status = JobStatus.Completed, CreatedAt = endedAt, CompletedAt = endedAt };
        await storage.Jobs.InsertAsync(job, CancellationToken.None);
        await storage.Logs.AppendAsync(job.Id, [.. Enumerable.Range(1, 3).Select(i => new LogLine(i, endedAt, LogSource.Stdout, "line"))], CancellationToken.None);
        return job.Id;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var limit = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < limit, "The condition did not hold within 20 s.");
            await Task.Yield();
            Thread.Sleep(10);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
