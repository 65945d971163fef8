using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Jobs;

public enum JobActionStatus
{
    Done,
    NotFound,

    /// <summary>The job is not in a state that allows the action (the API answers 400).</summary>
    NotAllowed,
}

/// <summary>The result of an action on a job; <see cref="Detail"/> says why when it was refused.</summary>
public sealed record JobActionResult(JobActionStatus Status, string? Detail = null, JobRecord? Job = null)
{
    public static JobActionResult NotFound { get; } = new(JobActionStatus.NotFound, "Job not found");

    public static JobActionResult Refused(string detail, JobRecord job) => new(JobActionStatus.NotAllowed, detail, job);

    public static JobActionResult Ok(JobRecord job) => new(JobActionStatus.Done, null, job);
}

/// <summary>The schedule a job was started by.</summary>
public sealed record ScheduleMark(string Id, string Name);

/// <summary>
/// Everything pages and the API do with jobs. Both faces call this; neither talks to storage directly.
/// </summary>
public sealed class JobService(IStorage storage, CommandCatalogue catalogue, JobNotifier notifier, JobStateChanger changer, JobEngine engine, ISecretReader secrets, IOptions<JobOptions> options, TimeProvider time)
{
    private const int PageSize = 1000;

    private static readonly TimeSpan GapWait = TimeSpan.FromSeconds(10);

    /// <summary>How often a viewer of a job this console does not run reads its new lines and state from storage.</summary>
    private static readonly TimeSpan TailInterval = TimeSpan.FromSeconds(1);

    public CommandCatalogue Catalogue => catalogue;

    public JobOptions Options => options.Value;

    /// <summary>Validates and queues a job. Throws <see cref="JobValidationException"/> for an unknown command or bad parameter.</summary>
    public Task<JobRecord> CreateAsync(string? command, JsonObject? parameters, CancellationToken cancellationToken) =>
        CreateAsync(command, parameters, null, cancellationToken);

    /// <summary>As above; <paramref name="schedule"/> marks a job that a schedule started.</summary>
    public async Task<JobRecord> CreateAsync(string? command, JsonObject? parameters, ScheduleMark? schedule, CancellationToken cancellationToken)
    {
        var validated = catalogue.Validate(command, parameters);
        var masker = SecretMasker.For(await secrets.ReadAllAsync(cancellationToken));
        var job = new JobRecord
        {
            Id = Guid.NewGuid().ToString(),
            Command = validated.Command.Name,
            Parameters = validated.Parameters,
            Status = JobStatus.Pending,
            CreatedAt = time.GetUtcNow(),
            MaxRetries = JobTransitions.MaxRetriesFor(validated.Command, options.Value),
            CommandLine = masker.Apply(JobRunner.FormatCommandLine(validated.Command.Executable, validated.Arguments)),
            ScheduleId = schedule?.Id,
            ScheduleName = schedule?.Name,
        };
        await changer.CreateAsync(job, validated.Command.AuditAs, new Dictionary<string, string>
        {
            ["command"] = job.Command,
            ["parameters"] = job.Parameters.ToJsonString(),
        }, cancellationToken);
        engine.Wake();
        return job;
    }

    public Task<IReadOnlyList<JobRecord>> ListAsync(JobFilter filter, CancellationToken cancellationToken) =>
        storage.Jobs.ListAsync(filter, cancellationToken);

    public Task<long> CountAsync(JobFilter filter, CancellationToken cancellationToken) =>
        storage.Jobs.CountAsync(filter, cancellationToken);

    public Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        storage.Jobs.GetAsync(id, cancellationToken);

    /// <summary>
    /// A pending job is cancelled at once; a running one moves to "cancelling" and its process tree is
    /// stopped (SIGINT, SIGTERM, SIGKILL). A finished job cannot be cancelled.
    /// </summary>
    public async Task<JobActionResult> CancelAsync(string id, CancellationToken cancellationToken)
    {
        var change = await changer.ChangeAsync(id, job => JobTransitions.Cancel(job, time.GetUtcNow()), cancellationToken, AuditAction.JobCancelled);
        if (change is { Status: JobChangeStatus.Done, Job.Status: JobStatus.Cancelling })
        {
            // Asking again is harmless: the stop sequence is already under way.
            engine.RequestCancel(id);
        }

        return Result(change, "Job cannot be cancelled: its status keeps changing; try again.");
    }

    /// <summary>
    /// Runs a job again as soon as possible: a waiting retry skips its wait; a failed or cancelled job is
    /// queued for one more attempt.
    /// </summary>
    public async Task<JobActionResult> RetryNowAsync(string id, CancellationToken cancellationToken)
    {
        var change = await changer.ChangeAsync(id, JobTransitions.RetryNow, cancellationToken, AuditAction.JobRetried);
        if (change.Status == JobChangeStatus.Done)
        {
            engine.Wake();
        }

        return Result(change, "Job changed meanwhile; reload and try again.");
    }

    /// <summary>Stops a waiting retry: the job becomes failed with its last error.</summary>
    public async Task<JobActionResult> GiveUpAsync(string id, CancellationToken cancellationToken) =>
        Result(
            await changer.ChangeAsync(id, job => JobTransitions.GiveUp(job, time.GetUtcNow()), cancellationToken, AuditAction.JobGivenUp),
            "Job changed meanwhile; reload and try again.");

    private static JobActionResult Result(JobChange change, string contended) => change switch
    {
        { Status: JobChangeStatus.Done, Job: { } job } => JobActionResult.Ok(job),
        { Status: JobChangeStatus.Refused, Job: { } job } => JobActionResult.Refused(change.Refusal!, job),
        { Status: JobChangeStatus.Contended, Job: { } job } => JobActionResult.Refused(contended, job),
        _ => JobActionResult.NotFound,
    };

    public Task<IReadOnlyList<LogLine>> ReadLogsAsync(string id, long afterSeq, int limit, CancellationToken cancellationToken) =>
        storage.Logs.ReadAsync(id, afterSeq, Math.Clamp(limit, 1, 10_000), cancellationToken);

    public Task<IReadOnlyList<LogLine>> ReadLogTailAsync(string id, int count, CancellationToken cancellationToken) =>
        storage.Logs.ReadTailAsync(id, Math.Max(1, count), cancellationToken);

    public Task<long> CountLogsAsync(string id, CancellationToken cancellationToken) =>
        storage.Logs.CountAsync(id, cancellationToken);

    /// <summary>Every stored line of a job, in order, read page by page (for downloads).</summary>
    public async IAsyncEnumerable<LogLine> ReadAllLogsAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = 0L;
        while (true)
        {
            var page = await storage.Logs.ReadAsync(id, after, PageSize, cancellationToken);
            foreach (var line in page)
            {
                yield return line;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Seq;
        }
    }

    /// <summary>Deletes a finished or waiting job's log (the log store's lines, the older console's inline ones included).</summary>
    public async Task<JobActionResult> DeleteLogsAsync(string id, CancellationToken cancellationToken)
    {
        if (await storage.Jobs.GetAsync(id, cancellationToken) is not { } job)
        {
            return JobActionResult.NotFound;
        }

        if (!JobTransitions.CanDeleteLogs(job))
        {
            return JobActionResult.Refused("Cannot delete the logs of a running job.", job);
        }

        await storage.Logs.DeleteAsync(id, cancellationToken);

        return JobActionResult.Ok(job);
    }

    /// <summary>Deletes the logs of every job that is not running; returns how many jobs had some.</summary>
    public async Task<int> DeleteAllLogsAsync(CancellationToken cancellationToken)
    {
        var cleared = 0;
        var skip = 0;
        while (true)
        {
            var page = await storage.Jobs.ListAsync(new JobFilter(Skip: skip, Limit: 500), cancellationToken);
            foreach (var job in page.Where(JobTransitions.CanDeleteLogs))
            {
                var lines = await storage.Logs.DeleteAsync(job.Id, cancellationToken);
                cleared += lines > 0 ? 1 : 0;
            }

            if (page.Count < 500)
            {
                return cleared;
            }

            skip += page.Count;
        }
    }

    public JobSubscription Subscribe(string id) => notifier.Subscribe(id);

    /// <summary>Status changes of every job (job lists, dashboard).</summary>
    public JobSubscription SubscribeAll() => notifier.SubscribeAll();

    /// <summary>
    /// A job's log and changes as one ordered feed: stored lines after <paramref name="afterSeq"/>, then
    /// the job itself, then live lines, redraws and changes. Lines arrive once each, in order, without
    /// gaps; a viewer too slow for the live feed silently catches up from storage.
    /// Ends when <paramref name="cancellationToken"/> is cancelled, or at once when the job does not exist.
    /// </summary>
    public async IAsyncEnumerable<JobEvent> WatchAsync(string id, long afterSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lastSeq = afterSeq;
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Subscribe before reading storage: a line stored meanwhile arrives both ways and is deduplicated.
            using var subscription = notifier.Subscribe(id);
            while (true)
            {
                var page = await storage.Logs.ReadAsync(id, lastSeq, PageSize, cancellationToken);
                if (page.Count > 0)
                {
                    lastSeq = page[^1].Seq;
                    yield return new JobLinesEvent(id, page);
                }

                if (page.Count < PageSize)
                {
                    break;
                }
            }

            if (await storage.Jobs.GetAsync(id, cancellationToken) is not { } job)
            {
                yield break;
            }

            if (first)
            {
                first = false;
                yield return new JobChangedEvent(job);
            }

            var seen = job;
            var idleTicks = 0;
            await foreach (var e in ReadUntilLaggedAsync(subscription, TailInterval, cancellationToken))
            {
                if (e is null)
                {
                    // Nothing live for a while. The live feed carries only what this console does: a job another
                    // console runs (several consoles on one MongoDB) is followed from storage, its lines by sequence
                    // number (stored in order by its one writer, so no gap and no repeat) and its changes as read.
                    // A finished job changes only when someone retries it: looked at every fifth time.
                    if (engine.RunningJobIds.Contains(id) || (seen.IsFinished && ++idleTicks % 5 != 0))
                    {
                        continue;
                    }

                    while (true)
                    {
                        var tail = await storage.Logs.ReadAsync(id, lastSeq, PageSize, cancellationToken);
                        if (tail.Count > 0)
                        {
                            lastSeq = tail[^1].Seq;
                            yield return new JobLinesEvent(id, tail);
                        }

                        if (tail.Count < PageSize)
                        {
                            break;
                        }
                    }

                    if (await storage.Jobs.GetAsync(id, cancellationToken) is not { } now)
                    {
                        yield break;
                    }

                    if (!SameForViewer(seen, now))
                    {
                        seen = now;
                        yield return new JobChangedEvent(now);
                    }

                    continue;
                }

                if (e is JobChangedEvent changed)
                {
                    seen = changed.Job;
                }

                if (e is JobLinesEvent lines)
                {
                    if (lines.Lines.Count == 0 || lines.Lines[^1].Seq <= lastSeq)
                    {
                        continue;
                    }

                    if (lines.Lines[^1].Seq < lastSeq)
                    {
                        continue;
                    }

                    var fresh = lines.Lines.Where(l => l.Seq > lastSeq).ToArray();
                    if (fresh[0].Seq > lastSeq + 1)
                    {
                        // Lines are pushed live as soon as they are numbered and stored just after: lines
                        // numbered before this subscription may still be on their way to storage.
                        await foreach (var missing in ReadGapAsync(id, lastSeq, fresh[0].Seq, cancellationToken))
                        {
                            lastSeq = missing.Lines[^1].Seq;
                            yield return missing;
                        }
                    }

                    lastSeq = fresh[^1].Seq;
                    yield return new JobLinesEvent(id, fresh);
                }
                else
                {
                    yield return e;
                }
            }

            if (subscription.Lagged)
            {
                // Fell behind: catch up from storage (top of the loop) and follow again, then report the job's state.
                first = true;
            }
        }
    }

    /// <summary>Stored lines after <paramref name="afterSeq"/> and before <paramref name="beforeSeq"/>, waiting for the store to catch up.</summary>
    private async IAsyncEnumerable<JobLinesEvent> ReadGapAsync(string id, long afterSeq, long beforeSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The writer retries a failing store for a few seconds; past that the lines are lost and the gap stays.
        // Real time on purpose: this waits for another task's I/O, which a test's fake clock does not drive.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (afterSeq + 1 < beforeSeq && waited.Elapsed < GapWait)
        {
            var page = await storage.Logs.ReadAsync(id, afterSeq, (int)Math.Min(PageSize, beforeSeq - afterSeq - 1), cancellationToken);
            if (page.Count == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
                continue;
            }

            afterSeq = page[^1].Seq;
            yield return new JobLinesEvent(id, page);
        }
    }

    /// <summary>A change a viewer would see (a lease renewal alone is not one).</summary>
    private static bool SameForViewer(JobRecord before, JobRecord after) =>
        before.Status == after.Status && before.Progress == after.Progress && before.Eta == after.Eta
        && before.Attempts.Count == after.Attempts.Count && before.RetryCount == after.RetryCount
        && before.NextAttemptAt == after.NextAttemptAt && before.Error == after.Error && before.Owner == after.Owner;

    /// <summary>The subscription's events; null each time <paramref name="idle"/> passes without one.</summary>
    private static async IAsyncEnumerable<JobEvent?> ReadUntilLaggedAsync(JobSubscription subscription, TimeSpan idle, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = subscription.Events;
        while (true)
        {
            bool more;
            var idled = false;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(idle);
            try
            {
                more = await reader.WaitToReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                more = true;
                idled = true;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (idled)
            {
                // Nothing within the interval: let the caller look at storage.
                yield return null;
                continue;
            }

            if (!more)
            {
                yield break;
            }

            while (reader.TryRead(out var e))
            {
                yield return e;
            }
        }
    }
}
