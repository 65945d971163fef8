using System.Text.Json.Nodes;

namespace AirsenalOps.Core.Storage;

/// <summary>Lifecycle of a job. Stored lower-case, as the peer console wrote it.</summary>
public enum JobStatus
{
    Pending,
    Running,
    Cancelling,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>One run of a job's process: a job has one per try.</summary>
public sealed record JobAttempt(
    int Number,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    int? ExitCode,
    string Outcome,
    string? Error);

/// <summary>
/// A job as the store keeps it. The first fields are the peer console's `jobs` document;
/// the rest are ours and are ignored by anything that only knows the peer's shape.
/// </summary>
public sealed record JobRecord
{
    public required string Id { get; init; }
    public required string Command { get; init; }
    public JsonObject Parameters { get; init; } = [];
    public JobStatus Status { get; init; } = JobStatus.Pending;
    public JsonObject? Output { get; init; }
    public string? Error { get; init; }
    public int RetryCount { get; init; }
    public int MaxRetries { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>A short human explanation of a known failure and its fix.</summary>
    public string? Hint { get; init; }

    /// <summary>When a waiting retry may run; null when the job may run at once.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The command line of the latest attempt, secrets masked.</summary>
    public string? CommandLine { get; init; }

    public int? ExitCode { get; init; }

    /// <summary>Process group of the running attempt, so a restarted console can end it.</summary>
    public int? ProcessGroupId { get; init; }

    /// <summary>The console instance that claimed the job.</summary>
    public string? Owner { get; init; }

    /// <summary>The host the owner runs on: only a console on this host may kill the job's leftover processes.</summary>
    public string? OwnerHost { get; init; }

    /// <summary>
    /// Until when the owner holds the job: it renews this while the job runs, and no other console recovers the job
    /// before it has passed. Null on a job claimed by a console without leases (the older console, an older version).
    /// </summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Progress in percent (0–100) when the command reports one.</summary>
    public double? Progress { get; init; }

    public DateTimeOffset? Eta { get; init; }

    /// <summary>How many items of <see cref="ProgressTotal"/> are done (e.g. 4 of 27 strategies); null when not shown.</summary>
    public double? ProgressDone { get; init; }

    /// <summary>The items the running command counts towards; null when it shows no count (or not yet a total).</summary>
    public double? ProgressTotal { get; init; }

    public IReadOnlyList<JobAttempt> Attempts { get; init; } = [];

    /// <summary>The schedule that started the job (null for a manual run), and its name at the time.</summary>
    public string? ScheduleId { get; init; }

    public string? ScheduleName { get; init; }

    /// <summary>Why the last failure was not retried: it will recur (a Python exception, a missing secret...).</summary>
    public string? WillRecur { get; init; }

    /// <summary>Set when retention deleted the job's log lines (its output and attempts stay).</summary>
    public JobLogsPurged? LogsPurged { get; init; }

    public bool IsFinished => Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
}

/// <summary>
/// When retention deleted a job's log lines, by which rule (<c>age</c>: LOG_RETENTION_DAYS, <c>size</c>: LOG_MAX_TOTAL_MB)
/// and how many lines went.
/// </summary>
public sealed record JobLogsPurged(DateTimeOffset At, string Rule, long Lines);

/// <summary>A finished job as retention sees it.</summary>
public sealed record FinishedJob(string Id, string Command, JobStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, bool LogsPurged)
{
    /// <summary>When the job ended; its creation when a peer's document has no end.</summary>
    public DateTimeOffset EndedAt => CompletedAt ?? CreatedAt;
}

/// <summary>Which jobs a listing returns; always newest first.</summary>
public sealed record JobFilter(
    JobStatus? Status = null,
    string? Command = null,
    int Skip = 0,
    int Limit = 50);

/// <summary>
/// An atomic claim of the oldest runnable pending job by one console instance.
/// <paramref name="Commands"/> limits the claim to these commands when not null; the claimed job carries
/// <paramref name="Host"/> and a lease until <paramref name="LeaseExpiresAt"/>.
/// </summary>
public sealed record JobClaim(string Owner, DateTimeOffset Now, IReadOnlyCollection<string>? Commands = null, string? Host = null, DateTimeOffset? LeaseExpiresAt = null);

/// <summary>
/// What a compare-and-set expects of the stored job: its status and, when <see cref="OwnerAndLease"/> is set, its owner
/// and lease as they were read. A lease renewed, or the job claimed by another console, since the read makes the write
/// miss, so a console cannot recover a job whose owner has just renewed it, nor finish a run that is no longer its own.
/// </summary>
public sealed record JobExpectation(JobStatus Status)
{
    public bool OwnerAndLease { get; init; }

    public string? Owner { get; init; }

    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The job exactly as read: status, owner and lease.</summary>
    public static JobExpectation AsRead(JobRecord job) =>
        new(job.Status) { OwnerAndLease = true, Owner = job.Owner, LeaseExpiresAt = job.LeaseExpiresAt };

    public static JobExpectation FromJobStatus(JobStatus status) => new(status);

    public static implicit operator JobExpectation(JobStatus status) => FromJobStatus(status);
}
