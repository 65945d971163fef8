using System.Text;
using CliWrap;

namespace AirsenalOps.Core.Jobs;

/// <summary>What to start: the environment is complete (the supervisor adds nothing to it).</summary>
/// <param name="Marker">The value of <see cref="ProcessGroup.MarkerVariable"/> in the environment, to find descendants that left the group.</param>
/// <param name="StdoutEndsAfter">Texts after which a stdout line ends without a newline (<see cref="LineSplitter.EndsAfter"/>).</param>
internal sealed record ProcessSpec(string Executable, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string?> Environment, string? StandardInput, string Marker,
    IReadOnlyList<string>? StdoutEndsAfter = null);

/// <summary>When the supervisor stops a process tree on its own, and how long each signal gets.</summary>
internal sealed record ProcessLimits(TimeSpan MaxRunTime, TimeSpan? IdleTimeout, TimeSpan CancelGrace, TimeSpan ShutdownGrace);

internal enum ProcessStop
{
    /// <summary>The process ended by itself.</summary>
    None,
    Cancelled,
    Shutdown,
    Timeout,
    Idle,
}

/// <summary>How the process tree ended. <see cref="ExitCode"/> is null when the pipes never closed.</summary>
internal sealed record ProcessEnd(ProcessStop Stop, int? ExitCode, TimeSpan? RunTime);

/// <summary>Where a pipe's lines and redraws go, one array per pipe read, in order.</summary>
internal delegate ValueTask ProcessOutput(bool stderr, OutputPiece[] pieces, CancellationToken cancellationToken);

/// <summary>
/// Runs one process tree and nothing else: starts it as the leader of its own process group (setsid, with a
/// parent-death signal), pumps its output into lines, stops the whole tree (SIGINT, SIGTERM, SIGKILL) on cancel,
/// shutdown, timeout or silence, and waits for its end. Knows nothing of jobs or storage.
/// </summary>
internal static class ProcessSupervisor
{
    // Declared before the tools found in them: static fields initialise in text order.
    private static readonly string[] ToolFolders = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];
    private static readonly string? Setsid = FindTool("setsid");
    private static readonly string? Setpriv = FindTool("setpriv");

    public static async Task<SupervisedProcess> StartAsync(ProcessSpec spec, ProcessOutput output, TimeProvider time)
    {
        var (program, prefix) = Setsid is null
            ? (spec.Executable, Array.Empty<string>())
            : (Setsid, Setpriv is null ? [] : [Setpriv, "--pdeathsig", "KILL", "--"]);
        List<string> allArguments = Setsid is null ? [.. spec.Arguments] : [.. prefix, spec.Executable, .. spec.Arguments];
        var activity = new Activity(time);
        var command = Cli.Wrap(program)
            .WithArguments(allArguments)
            .WithEnvironmentVariables(spec.Environment)
            .WithStandardInputPipe(spec.StandardInput is null ? PipeSource.Null : PipeSource.FromString(spec.StandardInput))
            .WithStandardOutputPipe(PipeTarget.Create((stream, ct) => PumpAsync(stream, false, output, activity, ct, spec.StdoutEndsAfter)))
            .WithStandardErrorPipe(PipeTarget.Create((stream, ct) => PumpAsync(stream, true, output, activity, ct)))
            .WithValidation(CommandResultValidation.None);

        // The parent-death signal fires when the *thread* that forked the child ends, and pool threads
        // come and go: start the process from a thread that lives exactly as long as the process.
        var started = new TaskCompletionSource<(int Pid, Task<CommandResult> Task)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var task = command.ExecuteAsync(CancellationToken.None);
                started.SetResult((task.ProcessId, task.Task));
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
        var (pid, exited) = await started.Task;
        var ownGroup = Setsid is not null && ProcessGroup.LeadsGroup(pid);
        if (Setsid is not null && !ownGroup)
        {
            // setsid forks when it is already a group leader; give it a moment to exec.
            await Task.Delay(50);
            ownGroup = ProcessGroup.LeadsGroup(pid);
        }

        return new SupervisedProcess(pid, ownGroup, exited, spec.Marker, activity, time);
    }

    private static async Task PumpAsync(Stream stream, bool stderr, ProcessOutput output, Activity activity, CancellationToken cancellationToken, IReadOnlyList<string>? endsAfter = null)
    {
        var decoder = new UTF8Encoding(false).GetDecoder();
        var bytes = new byte[64 * 1024];
        var chars = new char[bytes.Length + 1];
        var pieces = new List<OutputPiece>();
        // A state still being drawn goes out like a redraw (shown live, read for progress, not stored): tqdm can leave
        // its bar drawn for minutes before the next redraw.
        var splitter = new LineSplitter(
            (text, cut) => pieces.Add(new OutputPiece(false, text, cut)),
            (text, cut) => pieces.Add(new OutputPiece(true, text, cut)),
            drawing: (text, cut) => pieces.Add(new OutputPiece(true, text, cut)))
        {
            EndsAfter = endsAfter ?? [],
        };
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
                activity.Touch();
                try
                {
                    // Everything one read produced goes at once: one hand-off, not one per line.
                    await output(stderr, pieces.ToArray(), cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The receiver failed (a failed log store); keep draining the pipe so the process is not blocked.
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

    private static string? FindTool(string name) =>
        ToolFolders.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    /// <summary>When output last arrived, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    internal sealed class Activity(TimeProvider time)
    {
        private long _last = time.GetTimestamp();

        public long Last => Interlocked.Read(ref _last);

        public void Touch() => Interlocked.Exchange(ref _last, time.GetTimestamp());
    }
}

/// <summary>A started process tree: watch it, stop it, wait for it.</summary>
internal sealed class SupervisedProcess
{
    private static readonly TimeSpan MonitorInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a leader that exited may leave workers holding the pipes before they are killed.</summary>
    private static readonly TimeSpan LeaderGoneGrace = TimeSpan.FromSeconds(2);

    private readonly Task<CommandResult> _exited;
    private readonly string _marker;
    private readonly ProcessSupervisor.Activity _activity;
    private readonly TimeProvider _time;

    internal SupervisedProcess(int processId, bool ownGroup, Task<CommandResult> exited, string marker, ProcessSupervisor.Activity activity, TimeProvider time)
    {
        ProcessId = processId;
        OwnGroup = ownGroup;
        _exited = exited;
        _marker = marker;
        _activity = activity;
        _time = time;
    }

    public int ProcessId { get; }

    /// <summary>True when the process leads its own group, so a signal reaches the whole tree.</summary>
    public bool OwnGroup { get; }

    /// <summary>
    /// Waits for the tree's end, stopping it on cancel, shutdown, timeout or silence; then kills whatever of the
    /// group outlived the leader (forked workers would keep running on AIrsenal's database).
    /// </summary>
    public async Task<ProcessEnd> RunToEndAsync(ProcessLimits limits, CancellationToken cancel, CancellationToken shutdown)
    {
        var stop = await WatchAsync(limits, cancel, shutdown);
        var result = await WaitForEndAsync(stop == ProcessStop.Shutdown);
        if (OwnGroup)
        {
            ProcessGroup.SignalGroup(ProcessId, ProcessGroup.SigKill);
        }

        return new ProcessEnd(stop, result?.ExitCode, result?.RunTime);
    }

    private async Task<ProcessStop> WatchAsync(ProcessLimits limits, CancellationToken cancel, CancellationToken shutdown)
    {
        var started = _time.GetTimestamp();
        var leaderGoneAt = (long?)null;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancel, shutdown);
        while (!_exited.IsCompleted)
        {
            var reason = cancel.IsCancellationRequested ? ProcessStop.Cancelled
                : shutdown.IsCancellationRequested ? ProcessStop.Shutdown
                : _time.GetElapsedTime(started) >= limits.MaxRunTime ? ProcessStop.Timeout
                : limits.IdleTimeout is { } idle && _time.GetElapsedTime(_activity.Last) >= idle ? ProcessStop.Idle
                : ProcessStop.None;
            if (reason != ProcessStop.None)
            {
                await StopTreeAsync(reason == ProcessStop.Shutdown ? limits.ShutdownGrace : limits.CancelGrace);
                return reason;
            }

            // The output pipes stay open while any descendant holds them: a leader that exited but left
            // workers behind would otherwise look like a hang.
            if (OwnGroup && !ProcessGroup.IsAlive(ProcessId))
            {
                leaderGoneAt ??= _time.GetTimestamp();
                if (_time.GetElapsedTime(leaderGoneAt.Value) >= LeaderGoneGrace)
                {
                    ProcessGroup.SignalGroup(ProcessId, ProcessGroup.SigKill);
                }
            }

            try
            {
                await Task.WhenAny(_exited, Task.Delay(MonitorInterval, _time, wake.Token));
            }
            catch (OperationCanceledException)
            {
                // Woken by cancel or shutdown: the next loop turn acts on it.
            }
        }

        return ProcessStop.None;
    }

    /// <summary>SIGINT to the group, SIGTERM after the grace period, SIGKILL last.</summary>
    internal async Task StopTreeAsync(TimeSpan grace)
    {
        foreach (var signal in new[] { ProcessGroup.SigInt, ProcessGroup.SigTerm, ProcessGroup.SigKill })
        {
            var sent = OwnGroup
                ? ProcessGroup.SignalGroup(ProcessId, signal)
                : ProcessGroup.SignalProcess(ProcessId, signal);
            if (!sent || signal == ProcessGroup.SigKill)
            {
                return;
            }

            var since = _time.GetTimestamp();
            while (!_exited.IsCompleted && _time.GetElapsedTime(since) < grace)
            {
                await Task.WhenAny(_exited, Task.Delay(TimeSpan.FromMilliseconds(100), _time));
            }

            if (_exited.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The process's end. A descendant that left the group (its own setsid) would hold the output pipes
    /// open for ever: after a while everything carrying the marker is killed, and then it is given up.
    /// When the console is shutting down there is no time to wait long: Docker kills it 10 s after SIGTERM.
    /// </summary>
    private async Task<CommandResult?> WaitForEndAsync(bool hurry)
    {
        var round = hurry ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);
        for (var i = 0; i < 3; i++)
        {
            // Real time on purpose: this waits for the kernel to close pipes, which a test's fake clock does not drive.
            var finished = await Task.WhenAny(_exited, Task.Delay(round));
            if (finished == _exited)
            {
                return await _exited;
            }

            ProcessGroup.KillLeftovers(_marker, OwnGroup ? ProcessId : null);
        }

        return null;
    }
}
