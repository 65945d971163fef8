using System.Collections;
using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Jobs;

public enum AttemptKind
{
    Succeeded,
    Failed,
    Cancelled,

    /// <summary>The console shut down while the job ran.</summary>
    Interrupted,
}

/// <summary>How one attempt ended, for the engine to decide what the job becomes.</summary>
public sealed record AttemptOutcome(
    AttemptKind Kind,
    int Number,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    int? ExitCode,
    string? Error,
    bool Retryable,
    JsonOutcome? Conclusion);

/// <summary>What the command's hooks concluded.</summary>
/// <param name="Recurs">Why the failure will recur (so it is not retried); null when it may pass next time.</param>
public sealed record JsonOutcome(System.Text.Json.Nodes.JsonObject? Output, string? Hint, string? Recurs = null);

/// <summary>
/// Runs one attempt of a job: the command's hooks, its environment and its log around a process tree that
/// <see cref="ProcessSupervisor"/> starts, watches and stops. Writes the job document only through
/// <see cref="JobStateChanger"/>; what the attempt came to is returned for the engine to settle.
/// </summary>
public sealed partial class JobRunner(
    IStorage storage,
    JobNotifier notifier,
    JobStateChanger changer,
    ISecretReader secrets,
    AirsenalCli cli,
    IOptions<AirsenalOptions> airsenalOptions,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobRunner> logger)
{
    /// <summary>
    /// Variables passed through from the console's own environment; everything else is dropped. The Python
    /// environment managers' own variables are kept so that a pyenv shim or a conda environment picks the
    /// interpreter AIrsenal was installed in (and a pyenv shim without its root starts tens of ms slower).
    /// </summary>
    public static readonly IReadOnlyList<string> BaseVariables =
    [
        "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "USER", "LOGNAME", "TMPDIR",
        "VIRTUAL_ENV", "UV_CACHE_DIR", "PYENV_ROOT", "PYENV_VERSION", "CONDA_PREFIX", "CONDA_DEFAULT_ENV",
        "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
    ];

    /// <summary>How long each signal gets when the console itself is stopping: Docker kills it 10 s after SIGTERM.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(1);

    /// <param name="progress">Told (throttled) when a hook reads progress from the output.</param>
    public async Task<AttemptOutcome> RunAsync(JobRecord job, ValidatedCommand validated, int attempt, IProgress<JobProgress>? progress, CancellationToken cancel, CancellationToken shutdown)
    {
        var command = validated.Command;
        var settings = options.Value;
        var startedAt = time.GetUtcNow();
        var secretValues = await secrets.ReadAllAsync(shutdown);
        var masker = SecretMasker.For(secretValues);
        var arguments = validated.Arguments;
        var firstSeq = await storage.Logs.LastSeqAsync(job.Id, shutdown) + 1;

        JobRunContext? context = null;
        // Null until the first reading: GetElapsedTime(long.MinValue, now) overflowed to a negative span, which
        // once dropped every reading below 100 %.
        long? lastProgress = null;
        JobProgress? lastReported = null;
        // A reading the throttle held back, with when it was read: reported with the next output after the second is
        // over, so the last state before a quiet spell is not lost (the optimiser's workers print while its bar waits).
        (JobProgress Reading, long ReadAt)? held = null;
        Action<string>? onText = ReferenceEquals(command.Hooks, JobHooks.None) ? null : text =>
        {
            var now = time.GetTimestamp();
            if (command.Hooks.OnLine(context!, text) is { } read)
            {
                held = (read, now);
            }

            if (held is not { } due || due.Reading == lastReported)
            {
                held = null;
                return;
            }

            // At most one progress write a second: a bar redrawn 50 times a second is one update.
            if (lastProgress is not { } last || time.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(1) || due.Reading.Percent >= 100)
            {
                var waited = time.GetElapsedTime(due.ReadAt, now);
                var reading = due.Reading.Remaining is { } left && waited > TimeSpan.Zero
                    ? due.Reading with { Remaining = left > waited ? left - waited : TimeSpan.Zero }
                    : due.Reading;
                lastProgress = now;
                lastReported = due.Reading;
                held = null;
                progress?.Report(reading);
            }
        };
        var writer = new JobLogWriter(job.Id, firstSeq - 1, storage.Logs, notifier, masker, time, onText);
        context = new JobRunContext(
            job, command, attempt, arguments, secretValues, firstSeq,
            (after, limit, ct) => storage.Logs.ReadAsync(job.Id, after, limit, ct),
            async (message, ct) =>
            {
                try
                {
                    await writer.WriteAsync(LogSource.System, message, ct);
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                    // Hooks that conclude after the output is closed still get their line.
                    await changer.NoteAsync(job.Id, message, masker);
                }
            });

        AttemptOutcome Outcome(AttemptKind kind, int? exitCode, string? error, bool retryable = true, JsonOutcome? conclusion = null) =>
            new(kind, attempt, startedAt, time.GetUtcNow(), exitCode, error is null ? null : masker.Apply(error), retryable, conclusion);

        try
        {
            var executable = Path.IsPathRooted(command.Executable) ? command.Executable : cli.Resolve(command.Executable);
            if (executable is null || !File.Exists(executable))
            {
                var notFound = $"{command.Executable} was not found on {(string.IsNullOrWhiteSpace(airsenalOptions.Value.BinDir) ? "PATH" : "AIRSENAL_BIN_DIR")}: is AIrsenal installed?";
                await writer.WriteAsync(LogSource.System, notFound, CancellationToken.None);
                return Outcome(AttemptKind.Failed, null, notFound, retryable: false);
            }

            var preparation = await command.Hooks.PrepareAsync(context, shutdown);
            if (preparation.Error is { } prepareError)
            {
                await writer.WriteAsync(LogSource.System, "Preparation failed: " + prepareError, CancellationToken.None);
                return Outcome(AttemptKind.Failed, null, prepareError);
            }

            var environment = BuildEnvironment(job.Id, secretValues, preparation.Environment);
            var commandLine = masker.Apply(FormatCommandLine(command.Executable, arguments));
            await writer.WriteAsync(LogSource.System, $"Attempt {attempt}: {commandLine}", CancellationToken.None);

            var process = await ProcessSupervisor.StartAsync(
                new ProcessSpec(executable, arguments, environment, preparation.StandardInput, job.Id, preparation.StdoutEndsAfter),
                (stderr, pieces, ct) => writer.WriteAsync(stderr ? LogSource.Stderr : LogSource.Stdout, pieces, ct),
                time);
            using var cancelSource = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var started = await changer.ChangeAsync(job.Id, current => JobTransitions.Start(current, process.ProcessId, commandLine, job.Owner), CancellationToken.None);
            if (started is { Written: true, Job.Status: JobStatus.Cancelling } or { Status: JobChangeStatus.Refused })
            {
                // Cancelled between the claim and the start, or no longer this console's job: the process must not go on.
                await cancelSource.CancelAsync();
            }

            var end = await process.RunToEndAsync(Limits(command), cancelSource.Token, shutdown);
            var stop = end.Stop;
            var exitCode = end.ExitCode;
            var duration = end.RunTime ?? time.GetUtcNow() - startedAt;
            switch (stop)
            {
                case ProcessStop.Cancelled:
                    await writer.WriteAsync(LogSource.System, $"Cancelled after {Seconds(duration)} (exit code {exitCode}).", CancellationToken.None);
                    return Outcome(AttemptKind.Cancelled, exitCode, JobTransitions.CancelledByUser);
                case ProcessStop.Shutdown:
                    await writer.WriteAsync(LogSource.System, "Interrupted: the console is shutting down.", CancellationToken.None);
                    return Outcome(AttemptKind.Interrupted, exitCode, JobTransitions.InterruptedError);
            }

            var timedOut = stop == ProcessStop.Timeout;
            var idle = stop == ProcessStop.Idle;
            var runError = stop switch
            {
                ProcessStop.Timeout => $"Timed out: still running after {Duration(MaxRunTime(command))}; the process tree was stopped.",
                ProcessStop.Idle => $"Stopped by the watchdog: no output and no progress for {Duration(IdleTimeout(command) ?? TimeSpan.Zero)}.",
                _ => exitCode == 0 ? null : $"Exited with code {exitCode}.",
            };
            await writer.WriteAsync(LogSource.System, runError ?? $"Finished in {Seconds(duration)} (exit code 0).", CancellationToken.None);
            await writer.CompleteAsync();

            var conclusion = await command.Hooks.ConcludeAsync(context, new JobRunResult(exitCode, timedOut, idle, runError, duration), shutdown);
            var json = new JsonOutcome(conclusion.Output, conclusion.Hint, conclusion.Error is null || conclusion.Retryable ? null : conclusion.Recurs);
            var error = conclusion.Error ?? runError;
            if (conclusion.Error is not null)
            {
                await changer.NoteAsync(job.Id, conclusion.Error, masker);
            }

            return error is null
                ? Outcome(AttemptKind.Succeeded, exitCode, null, conclusion: json)
                : Outcome(AttemptKind.Failed, exitCode, error, conclusion.Error is null || conclusion.Retryable, json);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return Outcome(AttemptKind.Interrupted, null, JobTransitions.InterruptedError);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAttemptError(logger, ex, job.Id);
            // A failed log store closes the writer's queue: the store's error is the reason, not the closed queue.
            var reason = ex is System.Threading.Channels.ChannelClosedException { InnerException: { } cause } ? cause.Message : ex.Message;
            await TryWriteAsync(writer, "Console error: " + reason);
            return Outcome(AttemptKind.Failed, null, "Console error: " + reason);
        }
        finally
        {
            try
            {
                await writer.CompleteAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAttemptError(logger, ex, job.Id);
            }
        }
    }

    internal static string FormatCommandLine(string executable, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { executable }.Concat(arguments).Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./=:,@%+".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private Dictionary<string, string?> BuildEnvironment(string jobId, IReadOnlyDictionary<string, string> secretValues, IReadOnlyDictionary<string, string> extra)
    {
        // CliWrap adds to the inherited environment; a null value removes a variable. Start from
        // "remove everything", so the console's own settings (JWT_SECRET, MONGO_URL...) never reach a job.
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = null;
        }

        foreach (var name in BaseVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = value;
            }
        }

        environment["LANG"] ??= "C.UTF-8";
        // A secret reaches a job only when it reads as data (JobSecretPolicy), and never in place of a
        // variable the console already gave the job: a stored key must not be a way to run code on the host.
        foreach (var (key, value) in secretValues)
        {
            if (JobSecretPolicy.MayReachJob(key) && environment.GetValueOrDefault(key) is null)
            {
                environment[key] = value;
            }
        }

        if (airsenalOptions.Value.BinDir is { Length: > 0 } binDir)
        {
            environment["PATH"] = binDir + Path.PathSeparator + environment["PATH"];
        }

        environment["PYTHONUNBUFFERED"] = "1";
        environment["PYTHONIOENCODING"] = "utf-8";
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        environment[ProcessGroup.MarkerVariable] = jobId;
        return environment;
    }

    private TimeSpan MaxRunTime(JobCommand command) => command.MaxRunTime ?? TimeSpan.FromMinutes(options.Value.JobTimeoutMinutes);

    private TimeSpan? IdleTimeout(JobCommand command) =>
        command.IdleTimeout ?? (options.Value.JobWatchdogSeconds > 0 ? TimeSpan.FromSeconds(options.Value.JobWatchdogSeconds) : null);

    private ProcessLimits Limits(JobCommand command) =>
        new(MaxRunTime(command), IdleTimeout(command), TimeSpan.FromSeconds(options.Value.JobCancelGraceSeconds), TimeSpan.FromSeconds(Math.Min(ShutdownGrace.TotalSeconds, options.Value.JobCancelGraceSeconds)));

    private static async Task TryWriteAsync(JobLogWriter writer, string text)
    {
        try
        {
            await writer.WriteAsync(LogSource.System, text, CancellationToken.None);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // The log is already closed; the error still reaches the job document.
        }
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s";

    internal static string Duration(TimeSpan duration) => duration.TotalSeconds < 120
        ? Seconds(duration)
        : duration.TotalMinutes < 120
            ? duration.TotalMinutes.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " min"
            : duration.TotalHours.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " h";

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: attempt failed inside the console")]
    private static partial void LogAttemptError(ILogger logger, Exception exception, string jobId);
}
