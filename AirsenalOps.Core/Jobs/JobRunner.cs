using System.Collections;
using System.Text;
using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using CliWrap;
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
public sealed record JsonOutcome(System.Text.Json.Nodes.JsonObject? Output, string? Hint);

/// <summary>Runs one attempt of a job as a process tree of its own and streams its output into the log.</summary>
public sealed partial class JobRunner(
    IStorage storage,
    JobNotifier notifier,
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

    // Declared before the tools found in them: static fields initialise in text order.
    private static readonly string[] ToolFolders = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];
    private static readonly string? Setsid = FindTool("setsid");
    private static readonly string? Setpriv = FindTool("setpriv");

    private static readonly TimeSpan MonitorInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Notified (throttled) when a hook reads progress from the output.</summary>
    public event Action<string, JobProgress>? ProgressRead;

    public async Task<AttemptOutcome> RunAsync(JobRecord job, ValidatedCommand validated, int attempt, CancellationToken cancel, CancellationToken shutdown)
    {
        var command = validated.Command;
        var settings = options.Value;
        var startedAt = time.GetUtcNow();
        var secretValues = await secrets.ReadAllAsync(shutdown);
        var masker = SecretMasker.For(secretValues);
        var arguments = validated.Arguments;
        var firstSeq = await storage.Logs.LastSeqAsync(job.Id, shutdown) + 1;

        JobRunContext? context = null;
        // Null until the first reading: GetElapsedTime(long.MinValue, now) overflows to a negative span, which
        // once dropped every reading below 100 %.
        long? lastProgress = null;
        Action<string>? onText = ReferenceEquals(command.Hooks, JobHooks.None) ? null : text =>
        {
            if (command.Hooks.OnLine(context!, text) is { } progress)
            {
                // At most one progress write a second: a bar redrawn 50 times a second is one update.
                var now = time.GetTimestamp();
                if (lastProgress is not { } last || time.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(1) || progress.Percent >= 100)
                {
                    lastProgress = now;
                    ProgressRead?.Invoke(job.Id, progress);
                }
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
                    await AppendSystemLineAsync(job.Id, message, masker);
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

            var process = await StartAsync(executable, arguments, environment, preparation.StandardInput, writer);
            using var cancelSource = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            if (await RecordStartAsync(job.Id, process.ProcessId, commandLine))
            {
                // Cancelled between the claim and the start.
                await cancelSource.CancelAsync();
            }

            var stop = await MonitorAsync(process, writer, command, cancelSource.Token, shutdown);
            var result = await WaitForEndAsync(process, job.Id);
            var exitCode = result?.ExitCode;
            // Forked workers that outlived the leader would keep running on AIrsenal's database.
            if (process.OwnGroup)
            {
                ProcessGroup.SignalGroup(process.ProcessId, ProcessGroup.SigKill);
            }

            var duration = result?.RunTime ?? time.GetUtcNow() - startedAt;
            switch (stop)
            {
                case StopReason.Cancelled:
                    await writer.WriteAsync(LogSource.System, $"Cancelled after {Seconds(duration)} (exit code {exitCode}).", CancellationToken.None);
                    return Outcome(AttemptKind.Cancelled, exitCode, "Cancelled by the user.");
                case StopReason.Shutdown:
                    await writer.WriteAsync(LogSource.System, "Interrupted: the console is shutting down.", CancellationToken.None);
                    return Outcome(AttemptKind.Interrupted, exitCode, "Interrupted: the console stopped while the job was running.");
            }

            var timedOut = stop == StopReason.Timeout;
            var idle = stop == StopReason.Idle;
            var runError = stop switch
            {
                StopReason.Timeout => $"Timed out: still running after {Duration(MaxRunTime(command))}; the process tree was stopped.",
                StopReason.Idle => $"Stopped by the watchdog: no output and no progress for {Duration(IdleTimeout(command) ?? TimeSpan.Zero)}.",
                _ => exitCode == 0 ? null : $"Exited with code {exitCode}.",
            };
            await writer.WriteAsync(LogSource.System, runError ?? $"Finished in {Seconds(duration)} (exit code 0).", CancellationToken.None);
            await writer.CompleteAsync();

            var conclusion = await command.Hooks.ConcludeAsync(context, new JobRunResult(exitCode, timedOut, idle, runError, duration), shutdown);
            var json = new JsonOutcome(conclusion.Output, conclusion.Hint);
            var error = conclusion.Error ?? runError;
            if (conclusion.Error is not null)
            {
                await AppendSystemLineAsync(job.Id, conclusion.Error, masker);
            }

            return error is null
                ? Outcome(AttemptKind.Succeeded, exitCode, null, conclusion: json)
                : Outcome(AttemptKind.Failed, exitCode, error, conclusion.Error is null || conclusion.Retryable, json);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return Outcome(AttemptKind.Interrupted, null, "Interrupted: the console stopped while the job was running.");
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

    /// <summary>Appends one console line after the attempt's writer has closed (retry notes and the like).</summary>
    public async Task AppendSystemLineAsync(string jobId, string text, SecretMasker? masker = null)
    {
        var seq = await storage.Logs.LastSeqAsync(jobId, CancellationToken.None) + 1;
        LogLine[] lines = [new(seq, time.GetUtcNow(), LogSource.System, (masker ?? SecretMasker.Empty).Apply(text))];
        await storage.Logs.AppendAsync(jobId, lines, CancellationToken.None);
        notifier.Publish(new JobLinesEvent(jobId, lines));
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
        foreach (var (key, value) in secretValues)
        {
            environment[key] = value;
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

    private sealed record RunningProcess(int ProcessId, bool OwnGroup, Task<CommandResult> Task);

    private static async Task<RunningProcess> StartAsync(string executable, IReadOnlyList<string> arguments, Dictionary<string, string?> environment, string? input, JobLogWriter writer)
    {
        var (program, prefix) = Setsid is null
            ? (executable, Array.Empty<string>())
            : (Setsid, Setpriv is null ? [] : [Setpriv, "--pdeathsig", "KILL", "--"]);
        List<string> allArguments = Setsid is null ? [.. arguments] : [.. prefix, executable, .. arguments];
        var command = CliWrap.Cli.Wrap(program)
            .WithArguments(allArguments)
            .WithEnvironmentVariables(environment)
            .WithStandardInputPipe(input is null ? PipeSource.Null : PipeSource.FromString(input))
            .WithStandardOutputPipe(PipeTarget.Create((stream, ct) => PumpAsync(stream, LogSource.Stdout, writer, ct)))
            .WithStandardErrorPipe(PipeTarget.Create((stream, ct) => PumpAsync(stream, LogSource.Stderr, writer, ct)))
            .WithValidation(CommandResultValidation.None);

        // The parent-death signal fires when the *thread* that forked the child ends, and pool threads
        // come and go: start the process from a thread that lives exactly as long as the job.
        var started = new TaskCompletionSource<RunningProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var task = command.ExecuteAsync(CancellationToken.None);
                started.SetResult(new RunningProcess(task.ProcessId, Setsid is not null && ProcessGroup.LeadsGroup(task.ProcessId), task.Task));
                ((IAsyncResult)task.Task).AsyncWaitHandle.WaitOne();
            }
            catch (Exception ex)
            {
                started.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "job-process",
        };
        thread.Start();
        var process = await started.Task;
        if (Setsid is not null && !process.OwnGroup)
        {
            // setsid forks when it is already a group leader; give it a moment to exec.
            await Task.Delay(50);
            process = process with { OwnGroup = ProcessGroup.LeadsGroup(process.ProcessId) };
        }

        return process;
    }

    private static async Task PumpAsync(Stream stream, LogSource source, JobLogWriter writer, CancellationToken cancellationToken)
    {
        var decoder = new UTF8Encoding(false).GetDecoder();
        var bytes = new byte[64 * 1024];
        var chars = new char[bytes.Length + 1];
        var pieces = new List<OutputPiece>();
        var splitter = new LineSplitter(text => pieces.Add(new OutputPiece(false, text)), text => pieces.Add(new OutputPiece(true, text)));
        var broken = false;
        while (true)
        {
            var read = await stream.ReadAsync(bytes, cancellationToken);
            var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: read == 0);
            splitter.Feed(chars.AsSpan(0, count));
            if (read == 0)
            {
                splitter.Finish();
            }

            if (pieces.Count > 0 && !broken)
            {
                try
                {
                    // Everything one read produced is queued at once: one queue operation, not one per line.
                    await writer.WriteAsync(source, pieces.ToArray(), cancellationToken);
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                    // The log store failed; keep draining the pipe so the process is not blocked.
                    broken = true;
                }
            }

            pieces.Clear();
            if (read == 0)
            {
                return;
            }
        }
    }

    private enum StopReason
    {
        None,
        Cancelled,
        Shutdown,
        Timeout,
        Idle,
    }

    private TimeSpan MaxRunTime(JobCommand command) => command.MaxRunTime ?? TimeSpan.FromMinutes(options.Value.JobTimeoutMinutes);

    private TimeSpan? IdleTimeout(JobCommand command) =>
        command.IdleTimeout ?? (options.Value.JobWatchdogSeconds > 0 ? TimeSpan.FromSeconds(options.Value.JobWatchdogSeconds) : null);

    /// <summary>Waits for the process, stopping it on cancel, shutdown, timeout or silence.</summary>
    private async Task<StopReason> MonitorAsync(RunningProcess process, JobLogWriter writer, JobCommand command, CancellationToken cancel, CancellationToken shutdown)
    {
        var started = time.GetTimestamp();
        var maxRunTime = MaxRunTime(command);
        var idleTimeout = IdleTimeout(command);
        var leaderGoneAt = (long?)null;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancel, shutdown);
        while (!process.Task.IsCompleted)
        {
            var reason = cancel.IsCancellationRequested ? StopReason.Cancelled
                : shutdown.IsCancellationRequested ? StopReason.Shutdown
                : time.GetElapsedTime(started) >= maxRunTime ? StopReason.Timeout
                : idleTimeout is { } idle && time.GetElapsedTime(writer.LastActivity) >= idle ? StopReason.Idle
                : StopReason.None;
            if (reason != StopReason.None)
            {
                await StopTreeAsync(process, reason == StopReason.Shutdown);
                return reason;
            }

            // The output pipes stay open while any descendant holds them: a leader that exited but left
            // workers behind would otherwise look like a hang.
            if (process.OwnGroup && !ProcessGroup.IsAlive(process.ProcessId))
            {
                leaderGoneAt ??= time.GetTimestamp();
                if (time.GetElapsedTime(leaderGoneAt.Value) >= TimeSpan.FromSeconds(2))
                {
                    ProcessGroup.SignalGroup(process.ProcessId, ProcessGroup.SigKill);
                }
            }

            try
            {
                await Task.WhenAny(process.Task, Task.Delay(MonitorInterval, time, wake.Token));
            }
            catch (OperationCanceledException)
            {
                // Woken by cancel or shutdown: the next loop turn acts on it.
            }
        }

        return StopReason.None;
    }

    /// <summary>SIGINT to the group, SIGTERM after the grace period, SIGKILL last.</summary>
    private async Task StopTreeAsync(RunningProcess process, bool hurry)
    {
        var grace = TimeSpan.FromSeconds(hurry ? Math.Min(2, options.Value.JobCancelGraceSeconds) : options.Value.JobCancelGraceSeconds);
        foreach (var signal in new[] { ProcessGroup.SigInt, ProcessGroup.SigTerm, ProcessGroup.SigKill })
        {
            var sent = process.OwnGroup
                ? ProcessGroup.SignalGroup(process.ProcessId, signal)
                : ProcessGroup.SignalProcess(process.ProcessId, signal);
            if (!sent || signal == ProcessGroup.SigKill)
            {
                return;
            }

            var deadline = time.GetTimestamp();
            while (!process.Task.IsCompleted && time.GetElapsedTime(deadline) < grace)
            {
                await Task.WhenAny(process.Task, Task.Delay(TimeSpan.FromMilliseconds(100), time));
            }

            if (process.Task.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The process's end. A descendant that left the group (its own setsid) would hold the output pipes
    /// open for ever: after a while everything carrying the job's marker is killed, and then it is given up.
    /// </summary>
    private static async Task<CommandResult?> WaitForEndAsync(RunningProcess process, string jobId)
    {
        for (var round = 0; round < 3; round++)
        {
            var finished = await Task.WhenAny(process.Task, Task.Delay(TimeSpan.FromSeconds(10)));
            if (finished == process.Task)
            {
                return await process.Task;
            }

            ProcessGroup.KillLeftovers(jobId, process.OwnGroup ? process.ProcessId : null);
        }

        return null;
    }

    /// <summary>Records the process group; true when the job is being cancelled already.</summary>
    private async Task<bool> RecordStartAsync(string jobId, int pid, string commandLine)
    {
        // Another writer (a cancel) may change the status meanwhile: re-read and retry the compare-and-set.
        for (var i = 0; i < 5; i++)
        {
            if (await storage.Jobs.GetAsync(jobId, CancellationToken.None) is not { } current || current.IsFinished)
            {
                return false;
            }

            var updated = current with { ProcessGroupId = pid, CommandLine = commandLine, Progress = null, Eta = null };
            if (await storage.Jobs.UpdateAsync(updated, current.Status, CancellationToken.None))
            {
                notifier.Publish(new JobChangedEvent(updated));
                return current.Status == JobStatus.Cancelling;
            }
        }

        return false;
    }

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

    private static string? FindTool(string name) =>
        ToolFolders.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: attempt failed inside the console")]
    private static partial void LogAttemptError(ILogger logger, Exception exception, string jobId);
}
