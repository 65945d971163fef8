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

    /// <summary>Progress in percent (0–100) when the command reports one.</summary>
    public double? Progress { get; init; }

    public DateTimeOffset? Eta { get; init; }

    public IReadOnlyList<JobAttempt> Attempts { get; init; } = [];

    /// <summary>Log lines that the peer console kept inside the job document (read-only legacy).</summary>
    public IReadOnlyList<string>? LegacyLogs { get; init; }

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
/// <paramref name="Commands"/> limits the claim to these commands when not null.
/// </summary>
public sealed record JobClaim(string Owner, DateTimeOffset Now, IReadOnlyCollection<string>? Commands = null);
