using System.Collections.Concurrent;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// The queue worker: recovers jobs a dead console left running, claims pending jobs atomically, runs
/// them (one at a time unless JOB_CONCURRENCY allows concurrency-safe commands side by side) and has
/// <see cref="JobStateChanger"/> settle each attempt as <see cref="JobTransitions.Finish"/> decides.
/// </summary>
public sealed partial class JobEngine : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ErrorDelay = TimeSpan.FromSeconds(5);

    /// <summary>How long the engine stays without a job before it gives the job's memory back (see <see cref="TrimWhenIdleAsync"/>).</summary>
    internal static readonly TimeSpan IdleTrimDelay = TimeSpan.FromSeconds(2);

    private readonly IStorage _storage;
    private readonly CommandCatalogue _catalogue;
    private readonly JobStateChanger _changer;
    private readonly JobRunner _runner;
    private readonly JobOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobEngine> _logger;
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);

    public JobEngine(IStorage storage, CommandCatalogue catalogue, JobStateChanger changer, JobRunner runner, IOptions<JobOptions> options, TimeProvider time, ILogger<JobEngine> logger)
    {
        _storage = storage;
        _catalogue = catalogue;
        _changer = changer;
        _runner = runner;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>This console instance, as written in <see cref="JobRecord.Owner"/>.</summary>
    public string InstanceId { get; } = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The host this console runs on, as written in <see cref="JobRecord.OwnerHost"/>.</summary>
    public string Host { get; } = Environment.MachineName;

    /// <summary>Ids of the jobs this instance is running now.</summary>
    public IReadOnlyCollection<string> RunningJobIds => [.. _running.Keys];

    /// <summary>Something changed (a new job, a retry moved forward): look for work now.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Asks the running attempt to stop its process tree; false when this instance does not run the job.</summary>
    public bool RequestCancel(string jobId)
    {
        if (_running.TryGetValue(jobId, out var running))
        {
            running.Cancel.Cancel();
            return true;
        }

        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recovered = false;
        var nextRecovery = _time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // At start, then once a heartbeat: another console's job may have lost its owner meanwhile.
                if (_time.GetUtcNow() >= nextRecovery)
                {
                    await RecoverAsync(atStart: !recovered, stoppingToken);
                    recovered = true;
                    nextRecovery = _time.GetUtcNow() + _options.Heartbeat;
                }

                if (await TryStartNextAsync(stoppingToken))
                {
                    continue;
                }

                await WaitForWorkAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Storage down (MongoDB not up yet, a locked file): keep the console up and try again.
                LogQueueError(_logger, ex);
                try
                {
                    await Task.Delay(ErrorDelay, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(_running.Values.Select(r => r.Task));
    }

    /// <summary>Until woken or the poll interval passes (retries become due with time, not with an event).</summary>
    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = _wake.WaitAsync(both.Token);
        var delay = Task.Delay(PollInterval, _time, both.Token);
        await Task.WhenAny(woken, delay);
        // Cancelling the loser removes its waiter, so idle polling does not pile up semaphore waiters.
        await both.CancelAsync();
        try
        {
            await Task.WhenAll(woken, delay);
        }
        catch (OperationCanceledException)
        {
            // The loser was cancelled (or the host is stopping).
        }

        stoppingToken.ThrowIfCancellationRequested();
    }

    private async Task<bool> TryStartNextAsync(CancellationToken stoppingToken)
    {
        IReadOnlyCollection<string>? allowed = null;
        if (!_running.IsEmpty)
        {
            // Beside a running job only concurrency-safe commands may start, and only up to the limit.
            if (_running.Count >= _options.JobConcurrency || _running.Values.Any(r => !r.Command.ConcurrencySafe))
            {
                return false;
            }

            allowed = [.. _catalogue.All.Where(c => c.ConcurrencySafe).Select(c => c.Name)];
            if (allowed.Count == 0)
            {
                return false;
            }
        }

        var now = _time.GetUtcNow();
        var job = await _changer.ClaimNextAsync(new JobClaim(InstanceId, now, allowed, Host, now + _options.Lease), stoppingToken);
        if (job is null)
        {
            return false;
        }

        ValidatedCommand validated;
        try
        {
            validated = _catalogue.Validate(job.Command, job.Parameters);
        }
        catch (JobValidationException ex)
        {
            // A job stored by an older console (or a command since removed) cannot run at all.
            await _changer.ChangeAsync(job.Id, current => JobTransitions.Reject(current, ex.Message, _time.GetUtcNow()), CancellationToken.None);
            return true;
        }

        var cancel = new CancellationTokenSource();
        var running = new RunningJob(validated.Command, cancel);
        _running[job.Id] = running;
        running.Task = Task.Run(() => RunAsync(job, validated, cancel, stoppingToken), CancellationToken.None);
        return true;
    }

    private async Task RunAsync(JobRecord job, ValidatedCommand validated, CancellationTokenSource cancel, CancellationToken stoppingToken)
    {
        using var keeping = new CancellationTokenSource();
        var keeper = KeepAsync(job.Id, cancel, keeping.Token);
        try
        {
            var attempt = job.Attempts.Count + 1;
            var outcome = await _runner.RunAsync(job, validated, attempt, new ProgressRecorder(this, job.Id), cancel.Token, stoppingToken);
            await keeping.CancelAsync();
            await keeper;
            await FinishWhenStorageAnswersAsync(job.Id, validated.Command, outcome, stoppingToken);
        }
        catch (Exception ex)
        {
            LogJobError(_logger, ex, job.Id);
            var now = _time.GetUtcNow();
            await FinishWhenStorageAnswersAsync(job.Id, validated.Command, new AttemptOutcome(AttemptKind.Failed, job.Attempts.Count + 1, now, now, null, "Console error: " + ex.Message, true, null), stoppingToken);
        }
        finally
        {
            await keeping.CancelAsync();
            await keeper;
            _running.TryRemove(job.Id, out _);
            cancel.Dispose();
            Wake();
            if (_running.IsEmpty)
            {
                _ = TrimWhenIdleAsync(stoppingToken);
            }
        }
    }

    /// <summary>
    /// Once no job has run for a moment, gives the last job's memory back (<see cref="IdleMemory"/>). Without it the
    /// garbage of its lines stayed in the heap while the console sat idle (no allocation, so no collection). A job
    /// is minutes of AIrsenal; one blocking collection of an idle heap after it costs milliseconds, and a job that
    /// starts in the meantime skips it.
    /// </summary>
    private async Task TrimWhenIdleAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(IdleTrimDelay, _time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (_running.IsEmpty)
        {
            IdleMemory.Release();
        }
    }

    /// <summary>
    /// While this console runs the job: looks at its document about once a second, so a cancel written by another
    /// console (the status "cancelling") stops the tree here, and renews the lease once a heartbeat. A job that is no
    /// longer this console's (another console recovered it after the lease ran out: this one was cut off from the
    /// store for too long) is stopped here too, and its end is not written (<see cref="JobTransitions.Finish"/>).
    /// </summary>
    private async Task KeepAsync(string jobId, CancellationTokenSource cancel, CancellationToken stop)
    {
        var renewed = _time.GetUtcNow();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(PollInterval, _time, stop);
                var job = await _storage.Jobs.GetAsync(jobId, stop);
                var lost = job is null || job.Owner != InstanceId || job.Status is not (JobStatus.Running or JobStatus.Cancelling);
                if (!lost && _time.GetUtcNow() - renewed >= _options.Heartbeat)
                {
                    var now = _time.GetUtcNow();
                    var change = await _changer.ChangeAsync(jobId, current => JobTransitions.Renew(current, InstanceId, now + _options.Lease), stop);
                    lost = change.Status is JobChangeStatus.Refused or JobChangeStatus.NotFound;
                    renewed = change.Written ? now : renewed;
                    job = change.Job ?? job;
                }

                if (lost)
                {
                    LogLeaseLost(_logger, jobId);
                    await cancel.CancelAsync();
                    return;
                }

                if (job is { Status: JobStatus.Cancelling } && !cancel.IsCancellationRequested)
                {
                    // Written by another console (this one's own cancel has stopped the tree already).
                    await cancel.CancelAsync();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store does not answer: keep running; the lease outlives a short outage.
                LogKeepError(_logger, ex, jobId);
            }
        }
    }

    /// <summary>
    /// <see cref="FinishAsync"/>, tried again while the store fails (MongoDB restarting): a job whose end could not be
    /// written would otherwise stay "running" until the console restarts. Gives up only when the host stops (recovery
    /// at the next start settles the job then).
    /// </summary>
    private async Task FinishWhenStorageAnswersAsync(string jobId, JobCommand command, AttemptOutcome outcome, CancellationToken stoppingToken)
    {
        for (var delay = TimeSpan.FromSeconds(1); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, ErrorDelay.Ticks)))
        {
            try
            {
                await FinishAsync(jobId, command, outcome);
                return;
            }
            catch (Exception ex)
            {
                LogFinishRetry(_logger, ex, jobId);
            }

            try
            {
                // Real time on purpose: this waits for the store to come back, which a test's fake clock does not drive.
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Writes the job's next state (<see cref="JobTransitions.Finish"/>); throws while the store fails.</summary>
    private async Task FinishAsync(string jobId, JobCommand command, AttemptOutcome outcome)
    {
        var random = Random.Shared.NextDouble();
        await _changer.ChangeAsync(jobId, current => JobTransitions.Finish(current, outcome, command.RetrySafe, _options, random, _time.GetUtcNow(), InstanceId), CancellationToken.None);
    }

    /// <summary>
    /// Jobs left running or cancelling by a console that died: end whatever is left of their process
    /// trees, then retry them (or fail them when out of attempts). Nothing stays "running" for ever, and nothing
    /// is taken from a console that still holds its lease.
    /// </summary>
    /// <param name="atStart">
    /// At start on the embedded store every job left running is abandoned whatever its lease says: the store's lock
    /// lets one console at a time use it, so the owner is gone (a restart after a crash need not wait for the lease).
    /// </param>
    internal async Task RecoverAsync(bool atStart, CancellationToken cancellationToken)
    {
        var alone = atStart && _storage.Kind == "sqlite";
        foreach (var status in new[] { JobStatus.Running, JobStatus.Cancelling })
        {
            var stuck = await _storage.Jobs.ListAsync(new JobFilter(status, Limit: 10_000), cancellationToken);
            foreach (var job in stuck.Where(j => !_running.ContainsKey(j.Id)))
            {
                var now = _time.GetUtcNow();
                if (!alone && !JobTransitions.IsAbandoned(job, InstanceId, now))
                {
                    continue;
                }

                // First take the job over (a compare-and-set on the owner and lease as read, so an owner that renewed
                // meanwhile keeps it), and only then kill what is left of its tree: never the processes of a live owner.
                var takeOver = await _changer.ChangeAsync(
                    job.Id,
                    current => current.Status == status && current.Owner == job.Owner && current.LeaseExpiresAt == job.LeaseExpiresAt
                        ? JobTransitions.TakeOver(current, InstanceId, now + _options.Lease)
                        : JobTransition.Unchanged,
                    cancellationToken);
                if (!takeOver.Written)
                {
                    continue;
                }

                // A pid means something only on the host that started it; the marker check guards against a reused pid there.
                var killed = job.OwnerHost is null || job.OwnerHost == Host ? ProcessGroup.KillLeftovers(job.Id, job.ProcessGroupId) : 0;
                var retrySafe = _catalogue.Find(job.Command) is { RetrySafe: true };
                var change = await _changer.ChangeAsync(
                    job.Id,
                    current => current.Owner == InstanceId ? JobTransitions.Recover(current, retrySafe, _options, _time.GetUtcNow()) : JobTransition.Unchanged,
                    cancellationToken);
                if (change is { Written: true, Job: { } next })
                {
                    var when = atStart ? "at start" : "after its owner's lease ran out";
                    LogRecovered(_logger, job.Id, StorageJson.ToText(next.Status), killed, job.Owner ?? "unknown");
                    await _changer.NoteAsync(job.Id, $"{JobTransitions.InterruptedError} Recovered {when}: {(killed > 0 ? "its leftover processes were killed; " : string.Empty)}now {JobDisplay.Status(next)}.");
                }
            }
        }
    }

    private async Task RecordProgressAsync(string jobId, JobProgress progress)
    {
        try
        {
            await _changer.ChangeAsync(jobId, current => JobTransitions.Progress(current, progress, _time.GetUtcNow(), InstanceId), CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogJobError(_logger, ex, jobId);
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    /// <summary>Progress of one job, written as it is read without holding up the output.</summary>
    private sealed class ProgressRecorder(JobEngine engine, string jobId) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => _ = engine.RecordProgressAsync(jobId, value);
    }

    private sealed class RunningJob(JobCommand command, CancellationTokenSource cancel)
    {
        public JobCommand Command { get; } = command;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task Task { get; set; } = Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job queue error; retrying")]
    private static partial void LogQueueError(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: its end could not be stored; trying again")]
    private static partial void LogFinishRetry(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed inside the console")]
    private static partial void LogJobError(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was left running by a stopped console ({Owner}): now {Status} ({Killed} leftover processes killed)")]
    private static partial void LogRecovered(ILogger logger, string jobId, string status, int killed, string owner);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} is no longer this console's (its lease ran out and another console recovered it); stopping its process")]
    private static partial void LogLeaseLost(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: its document could not be read or its lease renewed; trying again")]
    private static partial void LogKeepError(ILogger logger, Exception exception, string jobId);
}
