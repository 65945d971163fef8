using System.Text.Json.Nodes;

namespace AirsenalOps.Core.Storage;

/// <summary>What a schedule starts: one catalogue command, or the weekly chain update_db → predict → optimize.</summary>
public enum ScheduleTarget
{
    Command,
    WeeklyChain,
}

/// <summary>
/// One occurrence of a schedule: started (its job ids, one per chain step), missed or skipped.
/// <see cref="Outcome"/> is running, completed, failed, cancelled, missed or skipped.
/// </summary>
public sealed record ScheduleRun
{
    public required DateTimeOffset DueAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public required string Outcome { get; init; }
    public string? Detail { get; init; }

    /// <summary>"schedule" or "manual".</summary>
    public string Trigger { get; init; } = "schedule";

    /// <summary>The commands this run executes in order (one for a command schedule).</summary>
    public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>The job of each step started so far.</summary>
    public IReadOnlyList<string> JobIds { get; init; } = [];
}

/// <summary>
/// A schedule as stored: what to run, when (a cron expression in a time zone, or an offset from each
/// FPL gameweek deadline), and the state the scheduler needs to survive a restart.
/// </summary>
public sealed record ScheduleRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public bool Enabled { get; init; } = true;
    public ScheduleTarget Target { get; init; }

    /// <summary>The catalogue command of a <see cref="ScheduleTarget.Command"/> schedule.</summary>
    public string? Command { get; init; }

    /// <summary>The command's parameters; for the weekly chain, an object per step name.</summary>
    public JsonObject Parameters { get; init; } = [];

    /// <summary>Cron expression (5 fields, or 6 with seconds); null for a deadline schedule.</summary>
    public string? Cron { get; init; }

    /// <summary>IANA (or Windows) time zone id the cron expression is read in.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Minutes from each gameweek deadline (negative = before); null for a cron schedule.</summary>
    public int? DeadlineOffsetMinutes { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// The latest occurrence the scheduler has dealt with (or the time the timing was last set):
    /// occurrences after it and not after now are due.
    /// </summary>
    public DateTimeOffset? LastDueAt { get; init; }

    /// <summary>The next occurrence as computed at the last tick (for display; the scheduler recomputes it).</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>The run still in progress; a schedule never starts a second one beside it.</summary>
    public ScheduleRun? Active { get; init; }

    /// <summary>Finished, missed and skipped runs, newest first (the last <see cref="HistoryLimit"/>).</summary>
    public IReadOnlyList<ScheduleRun> History { get; init; } = [];

    public const int HistoryLimit = 20;
}
