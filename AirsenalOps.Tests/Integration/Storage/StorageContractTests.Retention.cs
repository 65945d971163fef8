using System.Text.Json.Nodes;
using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Retention;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Integration.Storage;

/// <summary>Retention on each store: the real <see cref="LogRetention"/> over the adapter's port.</summary>
public abstract partial class StorageContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private LogRetention NewRetention(RetentionOptions options)
    {
        var time = new FakeTimeProvider(Now);
        var audit = new AuditLog(Storage.Audit, time, NullLogger<AuditLog>.Instance);
        return new LogRetention(Storage, new JobStateChanger(Storage, new JobNotifier(), audit, time), audit, time, Options.Create(options), NullLogger<LogRetention>.Instance);
    }

    private async Task<JobRecord> StoreJobAsync(string command, JobStatus status, DateTimeOffset createdAt, int lines, DateTimeOffset? completedAt = null)
    {
        var job = NewJob(command, createdAt, status) with
        {
            CompletedAt = status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled ? completedAt ?? createdAt.AddMinutes(5) : null,
            Output = new JsonObject { ["type"] = "prediction", ["headline"] = "Salah 7.2" },
            Attempts = [new JobAttempt(1, createdAt, createdAt.AddMinutes(5), 0, "completed", null)],
        };
        await Storage.Jobs.InsertAsync(job, None);
        await Storage.Logs.AppendAsync(job.Id, [.. Enumerable.Range(1, lines).Select(i => Line(i))], None);
        return job;
    }

    private async Task<IReadOnlyList<AuditRecord>> RetentionAuditAsync() =>
        await Storage.Audit.ListAsync(new AuditQuery(AuditAction.RetentionPurged), None);

    [Fact]
    public async Task Retention_Off_DeletesNothing()
    {
        var old = await StoreJobAsync("predict", JobStatus.Completed, Now.AddDays(-400), lines: 10);

        var report = await NewRetention(new RetentionOptions()).RunOnceAsync(None);

        Assert.False(report.DeletedAnything);
        Assert.Equal(10, await Storage.Logs.CountAsync(old.Id, None));
        Assert.Null((await Storage.Jobs.GetAsync(old.Id, None))!.LogsPurged);
        Assert.Empty(await RetentionAuditAsync());
    }

    [Fact]
    public async Task Retention_ByAge_PurgesLinesOfOldFinishedJobs_KeepsTheirOutputAndAttempts_AndNeverTouchesQueuedOrRunningJobs()
    {
        var old = await StoreJobAsync("predict", JobStatus.Completed, Now.AddDays(-40), lines: 25);
        var oldFailed = await StoreJobAsync("optimize", JobStatus.Failed, Now.AddDays(-31), lines: 3);
        var recent = await StoreJobAsync("predict", JobStatus.Completed, Now.AddDays(-40), lines: 4, completedAt: Now.AddDays(-2));
        var running = await StoreJobAsync("pipeline", JobStatus.Running, Now.AddDays(-40), lines: 7);
        var queued = await StoreJobAsync("predict", JobStatus.Pending, Now.AddDays(-40), lines: 2);
        var retention = NewRetention(new RetentionOptions { LogRetentionDays = 30 });

        var report = await retention.RunOnceAsync(None);

        Assert.Equal(new RetentionReport(JobsDeleted: 0, LogsPurgedByAge: 2, LogsPurgedBySize: 0, LinesDeleted: 28), report);
        var purged = await Storage.Jobs.GetAsync(old.Id, None);
        Assert.NotNull(purged);
        Assert.Equal(new JobLogsPurged(Now, LogRetention.AgeRule, 25), purged.LogsPurged! with { At = Now });
        Assert.True(Math.Abs((purged.LogsPurged!.At - Now).TotalMilliseconds) < 1);
        Assert.Equal(0, await Storage.Logs.CountAsync(old.Id, None));
        Assert.Equal("Salah 7.2", purged.Output!["headline"]!.GetValue<string>());
        Assert.Single(purged.Attempts);
        Assert.Equal(JobStatus.Completed, purged.Status);
        Assert.Equal(0, await Storage.Logs.CountAsync(oldFailed.Id, None));
        Assert.Equal(4, await Storage.Logs.CountAsync(recent.Id, None));
        Assert.Equal(7, await Storage.Logs.CountAsync(running.Id, None));
        Assert.Equal(2, await Storage.Logs.CountAsync(queued.Id, None));
        Assert.Null((await Storage.Jobs.GetAsync(running.Id, None))!.LogsPurged);
        Assert.Null((await Storage.Jobs.GetAsync(queued.Id, None))!.LogsPurged);
        var entry = Assert.Single(await RetentionAuditAsync());
        Assert.Equal(("retention", "2", "28"), (entry.Actor, entry.Details["logs_purged_by_age"], entry.Details["lines_deleted"]));

        // A second run finds nothing left to do and is not an audit entry.
        Assert.False((await retention.RunOnceAsync(None)).DeletedAnything);
        Assert.Single(await RetentionAuditAsync());
    }

    [Fact]
    public async Task Retention_PerCommand_DeletesWholeFinishedJobsBeyondTheNewest_AndNeverARunningOne()
    {
        var predict1 = await StoreJobAsync("predict", JobStatus.Completed, Now.AddDays(-3), lines: 5);
        var predict2 = await StoreJobAsync("predict", JobStatus.Failed, Now.AddDays(-2), lines: 5);
        var predict3 = await StoreJobAsync("predict", JobStatus.Completed, Now.AddDays(-1), lines: 5);
        var runningOld = await StoreJobAsync("predict", JobStatus.Running, Now.AddDays(-10), lines: 5);
        var optimize1 = await StoreJobAsync("optimize", JobStatus.Cancelled, Now.AddDays(-5), lines: 1);
        var optimize2 = await StoreJobAsync("optimize", JobStatus.Completed, Now.AddDays(-4), lines: 1);

        var report = await NewRetention(new RetentionOptions { JobRetentionPerCommand = 1 }).RunOnceAsync(None);

        Assert.Equal(new RetentionReport(JobsDeleted: 3, LogsPurgedByAge: 0, LogsPurgedBySize: 0, LinesDeleted: 11), report);
        foreach (var deleted in new[] { predict1, predict2, optimize1 })
        {
            Assert.Null(await Storage.Jobs.GetAsync(deleted.Id, None));
            Assert.Equal(0, await Storage.Logs.CountAsync(deleted.Id, None));
        }

        foreach (var kept in new[] { predict3, runningOld, optimize2 })
        {
            Assert.Equal(kept.Status, (await Storage.Jobs.GetAsync(kept.Id, None))!.Status);
            Assert.True(await Storage.Logs.CountAsync(kept.Id, None) > 0);
        }

        Assert.Equal("3", Assert.Single(await RetentionAuditAsync()).Details["jobs_deleted"]);
    }

    [Fact]
    public async Task Retention_BySize_PurgesTheOldestFinishedJobsUntilUnderTheCap_KeepingARunningJobsLines()
    {
        var oldest = await StoreJobAsync("predict", JobStatus.Completed, Now.AddDays(-3), lines: 400);
        var middle = await StoreJobAsync("predict", JobStatus.Completed, Now.AddDays(-2), lines: 400);
        var newest = await StoreJobAsync("predict", JobStatus.Completed, Now.AddDays(-1), lines: 400);
        var running = await StoreJobAsync("pipeline", JobStatus.Running, Now.AddDays(-5), lines: 400);
        var sizes = await Storage.Logs.SizesAsync(None);
        Assert.Equal(4, sizes.Count);
        Assert.All(sizes.Values, size => Assert.True(size > 0));
        var total = sizes.Values.Sum();

        // Room for all but the oldest finished job's lines: only those go.
        var report = await NewRetention(new RetentionOptions { LogMaxTotalBytes = total - sizes[oldest.Id] }).RunOnceAsync(None);

        Assert.Equal(new RetentionReport(JobsDeleted: 0, LogsPurgedByAge: 0, LogsPurgedBySize: 1, LinesDeleted: 400), report);
        Assert.Equal(LogRetention.SizeRule, (await Storage.Jobs.GetAsync(oldest.Id, None))!.LogsPurged!.Rule);
        Assert.Equal(0, await Storage.Logs.CountAsync(oldest.Id, None));
        Assert.Equal(400, await Storage.Logs.CountAsync(middle.Id, None));
        Assert.Equal(400, await Storage.Logs.CountAsync(newest.Id, None));
        Assert.False((await Storage.Logs.SizesAsync(None)).ContainsKey(oldest.Id));

        // A cap below the running job's own lines empties every finished job and leaves the running one whole.
        var second = await NewRetention(new RetentionOptions { LogMaxTotalBytes = 1 }).RunOnceAsync(None);

        Assert.Equal(2, second.LogsPurgedBySize);
        Assert.Equal(400, await Storage.Logs.CountAsync(running.Id, None));
        Assert.Null((await Storage.Jobs.GetAsync(running.Id, None))!.LogsPurged);
        Assert.Equal(0, await Storage.Logs.CountAsync(newest.Id, None));
        Assert.Equal("Salah 7.2", (await Storage.Jobs.GetAsync(newest.Id, None))!.Output!["headline"]!.GetValue<string>());
        Assert.Equal(2, (await RetentionAuditAsync()).Count);
    }
}
