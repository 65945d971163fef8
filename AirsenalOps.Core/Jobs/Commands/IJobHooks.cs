using System.Text.Json.Nodes;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Jobs.Commands;

/// <summary>
/// What the AIrsenal layer plugs into a command's run. One instance serves every run of its command;
/// per-run state goes in <see cref="JobRunContext.Items"/>. Every member has a do-nothing default.
/// </summary>
public interface IJobHooks
{
    /// <summary>
    /// Before the process starts (e.g. copy AIrsenal's database to the working copy). May add environment
    /// variables and stdin answers, or fail the attempt with a message (the failure is retried like a crash).
    /// </summary>
    ValueTask<JobPreparation> PrepareAsync(JobRunContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(JobPreparation.Continue);

    /// <summary>
    /// Called for every stored line and every <c>\r</c>-drawn progress state (once when drawn, again when redrawn), with
    /// ANSI codes stripped.
    /// Returns progress when the line carries some. Runs on the log path: keep it cheap.
    /// </summary>
    JobProgress? OnLine(JobRunContext context, string plainText) => null;

    /// <summary>
    /// After the process ended (not after a cancel): e.g. copy the database back on success, parse the
    /// output, set a hint from known failure texts, or turn an exit 0 that did nothing into a failure.
    /// </summary>
    ValueTask<JobConclusion> ConcludeAsync(JobRunContext context, JobRunResult result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(JobConclusion.None);
}

/// <summary>The no-op hooks.</summary>
public sealed class JobHooks : IJobHooks
{
    public static IJobHooks None { get; } = new JobHooks();
}

/// <summary>What a hook sees of the run it is part of.</summary>
public sealed class JobRunContext(
    JobRecord job,
    JobCommand command,
    int attempt,
    IReadOnlyList<string> arguments,
    IReadOnlyDictionary<string, string> secrets,
    long firstSeq,
    Func<long, int, CancellationToken, Task<IReadOnlyList<LogLine>>> readLog,
    Func<string, CancellationToken, Task> log)
{
    public JobRecord Job { get; } = job;

    public JobCommand Command { get; } = command;

    /// <summary>1 for the first run, 2 for the first retry, ...</summary>
    public int Attempt { get; } = attempt;

    public IReadOnlyList<string> Arguments { get; } = arguments;

    /// <summary>Decrypted secrets given to the process (never log them).</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; } = secrets;

    /// <summary>The sequence number of this attempt's first line.</summary>
    public long FirstSeq { get; } = firstSeq;

    /// <summary>Per-run state for the hooks (e.g. a parser's accumulated lines).</summary>
    public Dictionary<string, object> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Stored lines after a sequence number (use <see cref="FirstSeq"/> - 1 for this attempt's lines).</summary>
    public Task<IReadOnlyList<LogLine>> ReadLogAsync(long afterSeq, int limit, CancellationToken cancellationToken) =>
        readLog(afterSeq, limit, cancellationToken);

    /// <summary>Writes a console (system) line into the job's log.</summary>
    public Task LogAsync(string message, CancellationToken cancellationToken) => log(message, cancellationToken);
}

/// <summary>The result of <see cref="IJobHooks.PrepareAsync"/>.</summary>
public sealed record JobPreparation
{
    public static JobPreparation Continue { get; } = new();

    /// <summary>Extra environment variables for the process (they win over the base and the secrets).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Text written to the process's stdin before it is closed (answers to known prompts).</summary>
    public string? StandardInput { get; init; }

    /// <summary>
    /// Texts after which a stdout line ends though no newline follows: the prompts <see cref="StandardInput"/> answers.
    /// A terminal would show the echoed answer and a new line; through a pipe the prompt and the next text share a line.
    /// </summary>
    public IReadOnlyList<string> StdoutEndsAfter { get; init; } = [];

    /// <summary>Set to fail the attempt without starting the process.</summary>
    public string? Error { get; init; }

    public static JobPreparation Fail(string error) => new() { Error = error };
}

/// <summary>How the process ended, for <see cref="IJobHooks.ConcludeAsync"/>.</summary>
public sealed record JobRunResult(int? ExitCode, bool TimedOut, bool Idle, string? Error, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut && !Idle && Error is null;
}

/// <summary>The result of <see cref="IJobHooks.ConcludeAsync"/>.</summary>
public sealed record JobConclusion
{
    public static JobConclusion None { get; } = new();

    /// <summary>Parsed output stored in the job's <c>output</c>.</summary>
    public JsonObject? Output { get; init; }

    /// <summary>A short explanation of a known failure and its fix.</summary>
    public string? Hint { get; init; }

    /// <summary>Set to fail a run that exited 0 (or to replace the failure message).</summary>
    public string? Error { get; init; }

    /// <summary>With <see cref="Error"/>: false stops automatic retries (retrying cannot help).</summary>
    public bool Retryable { get; init; } = true;

    /// <summary>With <see cref="Retryable"/> false: why the failure will recur, shown on the job page.</summary>
    public string? Recurs { get; init; }

    /// <summary>Fails the run with <paramref name="cause"/>'s line; retried only when <see cref="FailureRule"/> says so.</summary>
    public static (string Error, bool Retryable, string? Recurs) From(FailureCause cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        return (cause.Line, !cause.Recurs, cause.Reason);
    }
}

/// <summary>
/// Progress read from a line: a percent, the time left, and the count behind them (<paramref name="Done"/> of
/// <paramref name="Total"/> items, e.g. 4 of 27 strategies) when the command shows one. A null member is "not known".
/// </summary>
public sealed record JobProgress(double? Percent, TimeSpan? Remaining = null, double? Done = null, double? Total = null);
