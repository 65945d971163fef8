using System.Globalization;
using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Retention;

/// <summary>What one retention run deleted.</summary>
public sealed record RetentionReport(int JobsDeleted, int LogsPurgedByAge, int LogsPurgedBySize, long LinesDeleted)
{
    public bool DeletedAnything => JobsDeleted + LogsPurgedByAge + LogsPurgedBySize > 0;
}

/// <summary>
/// Applies <see cref="RetentionOptions"/> once. Only finished jobs are looked at, and every change is a compare-and-set
/// on the finished status, so a queued or running job (or one a retry queued again meanwhile) is never touched. Each
/// job is its own small write: a running job's log writer waits for at most one of them.
/// </summary>
public sealed partial class LogRetention(
    IStorage storage,
    JobStateChanger changer,
    AuditLog audit,
    TimeProvider time,
    IOptions<RetentionOptions> options,
    ILogger<LogRetention> logger)
{
    public const string AgeRule = "age";
    public const string SizeRule = "size";

    public RetentionOptions Options => options.Value;

    public async Task<RetentionReport> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return new RetentionReport(0, 0, 0, 0);
        }

        var now = time.GetUtcNow();
        var finished = await storage.Jobs.ListFinishedAsync(cancellationToken);
        var gone = new HashSet<string>(StringComparer.Ordinal);
        int jobsDeleted = 0, byAge = 0, bySize = 0;
        long lines = 0;

        if (settings.JobRetentionPerCommand > 0)
        {
            foreach (var group in finished.GroupBy(j => j.Command, StringComparer.Ordinal))
            {
                foreach (var job in group.OrderByDescending(j => j.CreatedAt).Skip(settings.JobRetentionPerCommand))
                {
                    if (await storage.Jobs.DeleteAsync(job.Id, job.Status, cancellationToken))
                    {
                        lines += await storage.Logs.DeleteAsync(job.Id, cancellationToken);
                        gone.Add(job.Id);
                        jobsDeleted++;
                    }
                }
            }
        }

        if (settings.LogRetentionDays > 0)
        {
            var cutoff = now.AddDays(-settings.LogRetentionDays);
            foreach (var job in finished.Where(j => !gone.Contains(j.Id) && !j.LogsPurged && j.EndedAt < cutoff))
            {
                if (await PurgeAsync(job, AgeRule, now, cancellationToken) is { } deleted)
                {
                    gone.Add(job.Id);
                    lines += deleted;
                    byAge++;
                }
            }
        }

        if (settings.MaxTotalBytes > 0)
        {
            var sizes = await storage.Logs.SizesAsync(cancellationToken);
            var total = sizes.Values.Sum();
            // Oldest first, until the logs fit; a running job's lines count towards the total but are never deleted.
            foreach (var job in finished)
            {
                if (total <= settings.MaxTotalBytes)
                {
                    break;
                }

                if (gone.Contains(job.Id) || !sizes.TryGetValue(job.Id, out var size))
                {
                    continue;
                }

                if (await PurgeAsync(job, SizeRule, now, cancellationToken) is { } deleted)
                {
                    total -= size;
                    lines += deleted;
                    bySize++;
                }
            }
        }

        var report = new RetentionReport(jobsDeleted, byAge, bySize, lines);
        if (report.DeletedAnything)
        {
            LogRun(logger, jobsDeleted, byAge, bySize, lines);
            await audit.RecordAsync(
                AuditAction.RetentionPurged,
                "retention",
                new Dictionary<string, string>
                {
                    ["jobs_deleted"] = jobsDeleted.ToString(CultureInfo.InvariantCulture),
                    ["logs_purged_by_age"] = byAge.ToString(CultureInfo.InvariantCulture),
                    ["logs_purged_by_size"] = bySize.ToString(CultureInfo.InvariantCulture),
                    ["lines_deleted"] = lines.ToString(CultureInfo.InvariantCulture),
                    ["rules"] = settings.Describe(),
                },
                actor: "retention");
        }

        return report;
    }

    /// <summary>Marks the job purged (only while it is still finished as listed), then deletes its lines; null when it had moved on.</summary>
    private async Task<long?> PurgeAsync(FinishedJob job, string rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = await storage.Logs.CountAsync(job.Id, cancellationToken);
        var change = await changer.ChangeAsync(
            job.Id,
            current => current.Status == job.Status && current.IsFinished
                ? JobTransition.To(current with { LogsPurged = new JobLogsPurged(now, rule, count) })
                : JobTransition.Refuse("The job is no longer finished."),
            cancellationToken);
        if (change is not { Status: JobChangeStatus.Done, Written: true })
        {
            return null;
        }

        return await storage.Logs.DeleteAsync(job.Id, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {JobsDeleted} finished jobs and the log lines of {ByAge} jobs by age and {BySize} by size ({Lines} lines)")]
    private static partial void LogRun(ILogger logger, int jobsDeleted, int byAge, int bySize, long lines);
}
