using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// What one transition decided: write <see cref="Next"/> (and log <see cref="Note"/>), leave the job as it is,
/// or refuse with a reason. Pure data: <see cref="JobStateChanger"/> carries it out.
/// </summary>
public sealed record JobTransition(JobTransitionKind Kind, JobRecord? Next = null, string? Note = null, string? Refusal = null)
{
    /// <summary>Written without a notice to the live feed (a lease renewal changes nothing a viewer shows).</summary>
    public bool Quiet { get; init; }

    /// <summary>Nothing to write, and that is fine (a cancel asked twice, the end of a job already settled).</summary>
    public static JobTransition Unchanged { get; } = new(JobTransitionKind.Unchanged);

    public static JobTransition To(JobRecord next, string? note = null) => new(JobTransitionKind.Write, next, note);

    public static JobTransition Refuse(string reason) => new(JobTransitionKind.Refused, Refusal: reason);
}

public enum JobTransitionKind
{
    Write,
    Unchanged,
    Refused,
}

/// <summary>
/// Every change of a job's state, as pure functions of the job as stored now: claim, start, progress, finish,
/// recover, cancel, retry now, give up. The pages and the API ask the <c>Can…</c> checks which actions apply;
/// <see cref="JobStateChanger"/> applies the transitions with a compare-and-set. How a job is retried is
/// decided here and nowhere else (<see cref="AfterAttempt"/>, with <see cref="RetryPolicy"/> below).
/// </summary>
public static class JobTransitions
{
    public const string CancelledByUser = "Cancelled by the user.";

    public const string InterruptedError = "Interrupted: the console stopped while the job was running.";

    /// <summary>How the page and the log say that a failure was not retried because it will recur.</summary>
    public const string NotRetried = "Not retried: the error will recur";

    public const string LeaseLost = "Another console owns the job now: its lease ran out and the job was recovered.";

    /// <summary>How many retries a new job of <paramref name="command"/> gets: none unless running it twice is safe.</summary>
    public static int MaxRetriesFor(JobCommand command, JobOptions options) => command.RetrySafe ? options.MaxJobRetries : 0;

    public static bool CanCancel(JobRecord job) => job.Status is JobStatus.Pending or JobStatus.Running;

    public static bool CanRetryNow(JobRecord job) =>
        job.Status is JobStatus.Failed or JobStatus.Cancelled || (job.Status == JobStatus.Pending && job.NextAttemptAt is not null);

    public static bool CanGiveUp(JobRecord job) => JobDisplay.IsWaitingRetry(job);

    /// <summary>A running job's log is still being written.</summary>
    public static bool CanDeleteLogs(JobRecord job) => job.Status is not (JobStatus.Running or JobStatus.Cancelling);

    /// <summary>
    /// What a claim makes of a pending job. The stores apply it atomically (SQLite in its transaction, MongoDB as
    /// the same fields in one FindOneAndUpdate), so it is the one transition that does not pass the state changer.
    /// </summary>
    public static JobRecord Claim(JobRecord job, JobClaim claim) =>
        job with { Status = JobStatus.Running, StartedAt = claim.Now, Owner = claim.Owner, OwnerHost = claim.Host, LeaseExpiresAt = claim.LeaseExpiresAt, NextAttemptAt = null };

    /// <summary>A claimed job whose command or parameters the catalogue no longer accepts cannot run at all.</summary>
    public static JobTransition Reject(JobRecord current, string error, DateTimeOffset now) =>
        current.Status == JobStatus.Running
            ? JobTransition.To(current with { Status = JobStatus.Failed, Error = error, CompletedAt = now, Owner = null, OwnerHost = null, LeaseExpiresAt = null })
            : JobTransition.Unchanged;

    /// <summary>The attempt's process started: its group is recorded so that a restarted console can end it.</summary>
    /// <param name="owner">The console running the attempt; the start is refused once another console owns the job.</param>
    public static JobTransition Start(JobRecord current, int processGroupId, string commandLine, string? owner = null) =>
        current.IsFinished
            ? JobTransition.Refuse("The job ended before its process started.")
            : !IsOwnedBy(current, owner)
                ? JobTransition.Refuse(LeaseLost)
                : JobTransition.To(current with { ProcessGroupId = processGroupId, CommandLine = commandLine, Progress = null, Eta = null, ProgressDone = null, ProgressTotal = null });

    public static JobTransition Progress(JobRecord current, JobProgress progress, DateTimeOffset now, string? owner = null) =>
        current.Status != JobStatus.Running || !IsOwnedBy(current, owner)
            ? JobTransition.Unchanged
            : JobTransition.To(current with
            {
                Progress = progress.Percent is { } p ? Math.Clamp(p, 0, 100) : current.Progress,
                Eta = progress.Remaining is { } remaining ? now + remaining : current.Eta,
                // A count comes with its own total (null when the command has none), never mixed with an older total.
                ProgressDone = progress.Done ?? current.ProgressDone,
                ProgressTotal = progress.Done is null ? current.ProgressTotal : progress.Total,
            });

    /// <summary>The job's next state after an attempt ended; a cancel that raced with the end of the run wins.</summary>
    /// <param name="random">A number in [0, 1) for the backoff's jitter.</param>
    /// <param name="owner">The console that ran the attempt: a job another console has recovered or claimed since is left to it.</param>
    public static JobTransition Finish(JobRecord current, AttemptOutcome outcome, bool retrySafe, JobOptions options, double random, DateTimeOffset now, string? owner = null)
    {
        if (current.Status is not (JobStatus.Running or JobStatus.Cancelling) || !IsOwnedBy(current, owner))
        {
            return JobTransition.Unchanged;
        }

        var attempt = new JobAttempt(outcome.Number, outcome.StartedAt, outcome.EndedAt, outcome.ExitCode, Describe(outcome.Kind), outcome.Error);
        var ended = current with
        {
            // Only this attempt's verdict counts: a manual retry that fails differently says so.
            WillRecur = outcome.Kind == AttemptKind.Failed && !outcome.Retryable ? outcome.Conclusion?.Recurs : null,
            Attempts = [.. current.Attempts, attempt],
            ExitCode = outcome.ExitCode,
            ProcessGroupId = null,
            Owner = null,
            OwnerHost = null,
            LeaseExpiresAt = null,
            Hint = outcome.Conclusion?.Hint ?? current.Hint,
            Output = outcome.Conclusion?.Output ?? current.Output,
        };
        return AfterAttempt(current, ended, outcome.Kind, outcome.Error, outcome.Retryable && retrySafe, options, random, now);
    }

    /// <summary>
    /// The owner renews its hold on a running (or cancelling) job. Refused once the job is not its own any more
    /// (another console recovered it after the lease ran out): the owner must then stop its process and write nothing.
    /// </summary>
    public static JobTransition Renew(JobRecord current, string owner, DateTimeOffset leaseExpiresAt) =>
        current.Status is JobStatus.Running or JobStatus.Cancelling && current.Owner == owner
            ? JobTransition.To(current with { LeaseExpiresAt = leaseExpiresAt }) with { Quiet = true }
            : JobTransition.Refuse(LeaseLost);

    /// <summary>
    /// A console about to recover an abandoned job makes it its own first (owner and a fresh lease; the host stays the
    /// one whose leftover processes are still to be killed), so no third console recovers it at the same time.
    /// </summary>
    public static JobTransition TakeOver(JobRecord current, string owner, DateTimeOffset leaseExpiresAt) =>
        current.Status is JobStatus.Running or JobStatus.Cancelling
            ? JobTransition.To(current with { Owner = owner, LeaseExpiresAt = leaseExpiresAt }) with { Quiet = true }
            : JobTransition.Unchanged;

    /// <summary>
    /// Whether another console may recover the job now: it is running or cancelling for an owner that is not
    /// <paramref name="self"/> and whose lease has run out (a job without a lease, claimed by a console that had none,
    /// counts as run out).
    /// </summary>
    public static bool IsAbandoned(JobRecord job, string self, DateTimeOffset now) =>
        job.Status is JobStatus.Running or JobStatus.Cancelling
        && job.Owner != self
        && (job.LeaseExpiresAt is not { } lease || lease <= now);

    /// <summary>
    /// A job left running or cancelling by a console that died (its leftover processes already killed): the
    /// interrupted attempt is recorded and the job goes on as after any interrupted attempt.
    /// </summary>
    public static JobTransition Recover(JobRecord current, bool retrySafe, JobOptions options, DateTimeOffset now)
    {
        var kind = current.Status == JobStatus.Cancelling ? AttemptKind.Cancelled : AttemptKind.Interrupted;
        var outcome = new AttemptOutcome(kind, current.Attempts.Count + 1, current.StartedAt ?? now, now, null, InterruptedError, true, null);
        return Finish(current, outcome, retrySafe, options, 0, now);
    }

    /// <summary>
    /// A pending job is cancelled at once; a running one becomes "cancelling" while its process tree is stopped;
    /// asking again while it stops is harmless. A finished job cannot be cancelled.
    /// </summary>
    public static JobTransition Cancel(JobRecord current, DateTimeOffset now) => current.Status switch
    {
        JobStatus.Pending => JobTransition.To(current with { Status = JobStatus.Cancelled, CompletedAt = now, NextAttemptAt = null, Error = CancelledByUser }),
        JobStatus.Running => JobTransition.To(current with { Status = JobStatus.Cancelling }),
        JobStatus.Cancelling => JobTransition.Unchanged,
        _ => JobTransition.Refuse($"Job cannot be cancelled: it is already {StorageJson.ToText(current.Status)}."),
    };

    /// <summary>A waiting retry skips its wait; a failed or cancelled job is queued for one more attempt.</summary>
    public static JobTransition RetryNow(JobRecord current)
    {
        if (current.Status == JobStatus.Pending)
        {
            return current.NextAttemptAt is null
                ? JobTransition.Refuse("Job is already queued to run.")
                : JobTransition.To(current with { NextAttemptAt = null });
        }

        return CanRetryNow(current)
            ? JobTransition.To(current with
            {
                Status = JobStatus.Pending,
                NextAttemptAt = null,
                CompletedAt = null,
                RetryCount = current.RetryCount + 1,
                MaxRetries = Math.Max(current.MaxRetries, current.RetryCount + 1),
            })
            : JobTransition.Refuse($"Job cannot be retried: it is {StorageJson.ToText(current.Status)}.");
    }

    /// <summary>Stops a waiting retry: the job becomes failed with its last error.</summary>
    public static JobTransition GiveUp(JobRecord current, DateTimeOffset now) =>
        CanGiveUp(current)
            ? JobTransition.To(current with
            {
                Status = JobStatus.Failed,
                NextAttemptAt = null,
                CompletedAt = now,
                Error = $"Gave up after {current.Attempts.Count} attempt(s). Last error: {current.Error}",
            })
            : JobTransition.Refuse($"Only a job waiting for a retry can be given up; it is {JobDisplay.Status(current)}.");

    /// <summary>
    /// The retry rule. An attempt that may be retried (the outcome allows it, the command is safe to run twice and
    /// attempts are left) goes back to pending: at once after an interruption, after a growing backoff after a
    /// failure. A cancel (asked while it ran) always wins.
    /// </summary>
    private static JobTransition AfterAttempt(JobRecord current, JobRecord ended, AttemptKind kind, string? error, bool retryable, JobOptions options, double random, DateTimeOffset now)
    {
        if (current.Status == JobStatus.Cancelling || kind == AttemptKind.Cancelled)
        {
            return JobTransition.To(ended with { Status = JobStatus.Cancelled, CompletedAt = now, NextAttemptAt = null, Error = CancelledByUser });
        }

        if (kind == AttemptKind.Succeeded)
        {
            // A completed run did all its items, even when its bar stopped short (AIrsenal #642): 100 % and done = total.
            return JobTransition.To(ended with { Status = JobStatus.Completed, CompletedAt = now, Error = null, Progress = current.Progress is null ? null : 100, Eta = null, ProgressDone = current.ProgressTotal ?? current.ProgressDone });
        }

        if (retryable && current.RetryCount < current.MaxRetries)
        {
            var delay = kind == AttemptKind.Interrupted ? TimeSpan.Zero : RetryPolicy.Delay(options, current.RetryCount + 1, random);
            var next = ended with { Status = JobStatus.Pending, RetryCount = current.RetryCount + 1, NextAttemptAt = now + delay, Error = error, StartedAt = current.StartedAt };
            return JobTransition.To(next, $"{JobDisplay.Retry(next.RetryCount, current.MaxRetries)} in {delay.TotalSeconds:0} s.");
        }

        var note = ended.WillRecur is { } recurs && current.RetryCount < current.MaxRetries ? $"{NotRetried}: {recurs}."
            : current.RetryCount >= current.MaxRetries && current.MaxRetries > 0 ? $"Failed after {current.RetryCount + 1} attempts." : null;
        return JobTransition.To(ended with { Status = JobStatus.Failed, CompletedAt = now, Error = error }, note);
    }

    /// <summary>No owner given (recovery, a test) means any owner.</summary>
    private static bool IsOwnedBy(JobRecord job, string? owner) => owner is null || job.Owner == owner;

    private static string Describe(AttemptKind kind) => kind switch
    {
        AttemptKind.Succeeded => "completed",
        AttemptKind.Cancelled => "cancelled",
        AttemptKind.Interrupted => "interrupted",
        _ => "failed",
    };
}

/// <summary>What kind of failure an attempt ended in; <see cref="FailureRule"/> decides which kinds are retried.</summary>
public enum FailureKind
{
    /// <summary>Nothing in the output says why (a bare non-zero exit, a timeout): retried, as any failure used to be.</summary>
    Unexplained,

    /// <summary>The network, FPL's rate limit (HTTP 429), FPL's own outage, a locked database: a later attempt may pass.</summary>
    Transient,

    /// <summary>A Python exception from AIrsenal's code or the data it read: the same input fails the same way.</summary>
    Code,

    /// <summary>AIrsenal asked for a secret the console does not have.</summary>
    MissingSecret,

    /// <summary>A known hint that names a setting to fix or a step to run first (a schema without a column, no team id...).</summary>
    Configuration,

    /// <summary>The command exited without doing its work, and would do so again.</summary>
    NoOp,
}

/// <summary>The line that explains a failure (an exception line, a hint, a prompt's message) and its kind.</summary>
public sealed record FailureCause(FailureKind Kind, string Line)
{
    public bool Recurs => FailureRule.Recurs(Kind);

    /// <summary>Why it will recur, in words for the job page; null for a failure worth retrying.</summary>
    public string? Reason => FailureRule.Reason(Kind);
}

/// <summary>
/// Which failures are retried: a transient or unexplained one is (the backoff in <see cref="RetryPolicy"/>), one that
/// will recur is not, so a bad column or a missing secret does not burn three retries before a deadline. The single
/// place this is decided; the AIrsenal hooks only name the kind (<see cref="FromException"/> for a traceback's line).
/// </summary>
public static class FailureRule
{
    /// <summary>Python exception types (the last dotted part) that a later attempt can get past.</summary>
    private static readonly HashSet<string> TransientExceptions = new(StringComparer.Ordinal)
    {
        "ConnectionError", "ConnectionResetError", "ConnectionRefusedError", "ConnectionAbortedError", "BrokenPipeError",
        "TimeoutError", "timeout", "Timeout", "ConnectTimeout", "ReadTimeout", "ConnectTimeoutError", "ReadTimeoutError",
        "ChunkedEncodingError", "ProtocolError", "RemoteDisconnected", "IncompleteRead", "MaxRetryError", "NewConnectionError",
        "NameResolutionError", "gaierror", "SSLError", "ClientConnectorError", "ClientOSError", "ServerDisconnectedError",
        "ServerTimeoutError", "KeyboardInterrupt",
        // FPL answers with an HTML "the game is being updated" page while it updates, which json cannot read.
        "JSONDecodeError",
    };

    /// <summary>Texts in an exception's message that mean "try later", whatever the type (HTTP 429/5xx, SQLite busy).</summary>
    private static readonly string[] TransientTexts =
    [
        "429", "Too Many Requests", "500 Server Error", "502 Server Error", "503 Server Error", "504 Server Error",
        "database is locked", "Temporary failure in name resolution", "Max retries exceeded", "timed out", "Connection reset",
    ];

    public static bool Recurs(FailureKind kind) => kind is FailureKind.Code or FailureKind.MissingSecret or FailureKind.Configuration or FailureKind.NoOp;

    public static string? Reason(FailureKind kind) => kind switch
    {
        FailureKind.Code => "a Python exception from AIrsenal's code or data fails the same way every time",
        FailureKind.MissingSecret => "a secret is missing, and stays missing until it is set",
        FailureKind.Configuration => "a configuration or database problem that needs fixing first",
        FailureKind.NoOp => "AIrsenal did nothing, and would do nothing again",
        _ => null,
    };

    /// <summary>The kind of a traceback's last line ("requests.exceptions.ConnectionError: ...", "KeyError: 'x'").</summary>
    public static FailureCause FromException(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var type = colon < 0 ? line.Trim() : line[..colon].Trim();
        var name = type[(type.LastIndexOf('.') + 1)..];
        var transient = TransientExceptions.Contains(name) || TransientTexts.Any(t => line.Contains(t, StringComparison.Ordinal));
        return new FailureCause(transient ? FailureKind.Transient : FailureKind.Code, line.Trim());
    }
}

/// <summary>Exponential backoff between failed attempts: base × 2^(attempt-1), ±10 % jitter, capped.</summary>
public static class RetryPolicy
{
    public const double Jitter = 0.1;

    /// <param name="failedAttempts">How many attempts have failed so far (1 after the first failure).</param>
    public static TimeSpan Delay(JobOptions options, int failedAttempts, double random)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var seconds = Math.Min(options.JobRetryDelaySeconds * Math.Pow(2, exponent), options.JobRetryMaxDelaySeconds);
        // Jitter keeps several consoles (or several failed jobs) from retrying in lockstep.
        seconds *= 1 + (Jitter * ((random * 2) - 1));
        return TimeSpan.FromSeconds(Math.Max(0, seconds));
    }
}
