using System.Collections.Concurrent;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// The queue worker: recovers jobs a dead console left running, claims pending jobs atomically, runs
/// them (one at a time unless JOB_CONCURRENCY allows concurrency-safe commands side by side) and
/// decides each job's next state: completed, a retry after a backoff, failed or cancelled.
/// </summary>
public sealed partial class JobEngine : BackgroundService
{
    private const string InterruptedError = "Interrupted: the console stopped while the job was running.";

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ErrorDelay = TimeSpan.FromSeconds(5);

    private readonly IStorage _storage;
    private readonly CommandCatalogue _catalogue;
    private readonly JobNotifier _notifier;
    private readonly JobRunner _runner;
    private readonly JobOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobEngine> _logger;
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);

    public JobEngine(IStorage storage, CommandCatalogue catalogue, JobNotifier notifier, JobRunner runner, IOptions<JobOptions> options, TimeProvider time, ILogger<JobEngine> logger)
    {
        _storage = storage;
        _catalogue = catalogue;
        _notifier = notifier;
        _runner = runner;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _runner.ProgressRead += (jobId, progress) => _ = RecordProgressAsync(jobId, progress);
    }

    /// <summary>This console instance, as written in <see cref="JobRecord.Owner"/>.</summary>
    public string InstanceId { get; } = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!recovered)
                {
                    await RecoverAsync(stoppingToken);
                    recovered = true;
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

        var job = await _storage.Jobs.ClaimNextAsync(new JobClaim(InstanceId, _time.GetUtcNow(), allowed), stoppingToken);
        if (job is null)
        {
            return false;
        }

        _notifier.Publish(new JobChangedEvent(job));
        ValidatedCommand validated;
        try
        {
            validated = _catalogue.Validate(job.Command, job.Parameters);
        }
        catch (JobValidationException ex)
        {
            // A job stored by an older console (or a command since removed) cannot run at all.
            var failed = job with { Status = JobStatus.Failed, Error = ex.Message, CompletedAt = _time.GetUtcNow(), Owner = null };
            if (await _storage.Jobs.UpdateAsync(failed, JobStatus.Running, CancellationToken.None))
            {
                _notifier.Publish(new JobChangedEvent(failed));
            }

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
        try
        {
            var attempt = job.Attempts.Count + 1;
            var outcome = await _runner.RunAsync(job, validated, attempt, cancel.Token, stoppingToken);
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
            _running.TryRemove(job.Id, out _);
            cancel.Dispose();
            Wake();
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

    /// <summary>Writes the job's next state; a cancel that raced with the end of the run wins.</summary>
    private async Task FinishAsync(string jobId, JobCommand command, AttemptOutcome outcome)
    {
        var attempt = new JobAttempt(outcome.Number, outcome.StartedAt, outcome.EndedAt, outcome.ExitCode, Describe(outcome.Kind), outcome.Error);
        for (var round = 0; round < 10; round++)
        {
            if (await _storage.Jobs.GetAsync(jobId, CancellationToken.None) is not { } current
                || current.Status is not (JobStatus.Running or JobStatus.Cancelling))
            {
                return;
            }

            var now = _time.GetUtcNow();
            var next = current with
            {
                Attempts = [.. current.Attempts, attempt],
                ExitCode = outcome.ExitCode,
                ProcessGroupId = null,
                Owner = null,
                Hint = outcome.Conclusion?.Hint ?? current.Hint,
                Output = outcome.Conclusion?.Output ?? current.Output,
            };
            string? note = null;
            if (current.Status == JobStatus.Cancelling || outcome.Kind == AttemptKind.Cancelled)
            {
                next = next with { Status = JobStatus.Cancelled, CompletedAt = now, NextAttemptAt = null, Error = "Cancelled by the user." };
            }
            else if (outcome.Kind == AttemptKind.Succeeded)
            {
                next = next with { Status = JobStatus.Completed, CompletedAt = now, Error = null, Progress = current.Progress is null ? null : 100 };
            }
            else if (outcome.Retryable && command.RetrySafe && current.RetryCount < current.MaxRetries)
            {
                // An interrupted run resumes at once; a failure waits, longer after each attempt.
                var delay = outcome.Kind == AttemptKind.Interrupted ? TimeSpan.Zero : RetryPolicy.Delay(_options, current.RetryCount + 1, Random.Shared.NextDouble());
                next = next with { Status = JobStatus.Pending, RetryCount = current.RetryCount + 1, NextAttemptAt = now + delay, Error = outcome.Error, StartedAt = current.StartedAt };
                note = $"Retry {next.RetryCount} of {current.MaxRetries} in {delay.TotalSeconds:0} s.";
            }
            else
            {
                next = next with { Status = JobStatus.Failed, CompletedAt = now, Error = outcome.Error };
                note = current.RetryCount >= current.MaxRetries && current.MaxRetries > 0 ? $"Failed after {current.RetryCount + 1} attempts." : null;
            }

            if (await _storage.Jobs.UpdateAsync(next, current.Status, CancellationToken.None))
            {
                if (note is not null)
                {
                    await _runner.AppendSystemLineAsync(jobId, note);
                }

                _notifier.Publish(new JobChangedEvent(next));
                return;
            }
        }
    }

    private static string Describe(AttemptKind kind) => kind switch
    {
        AttemptKind.Succeeded => "completed",
        AttemptKind.Cancelled => "cancelled",
        AttemptKind.Interrupted => "interrupted",
        _ => "failed",
    };

    /// <summary>
    /// Jobs left running or cancelling by a console that died: end whatever is left of their process
    /// trees, then retry them (or fail them when out of attempts). Nothing stays "running" for ever.
    /// </summary>
    internal async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var status in new[] { JobStatus.Running, JobStatus.Cancelling })
        {
            var stuck = await _storage.Jobs.ListAsync(new JobFilter(status, Limit: 10_000), cancellationToken);
            foreach (var job in stuck.Where(j => !_running.ContainsKey(j.Id)))
            {
                var killed = ProcessGroup.KillLeftovers(job.Id, job.ProcessGroupId);
                var now = _time.GetUtcNow();
                var command = _catalogue.Find(job.Command);
                var attempt = new JobAttempt(job.Attempts.Count + 1, job.StartedAt ?? now, now, null, status == JobStatus.Cancelling ? "cancelled" : "interrupted", InterruptedError);
                var next = job with { Attempts = [.. job.Attempts, attempt], ProcessGroupId = null, Owner = null };
                if (status == JobStatus.Cancelling)
                {
                    next = next with { Status = JobStatus.Cancelled, CompletedAt = now, Error = "Cancelled by the user." };
                }
                else if (command is { RetrySafe: true } && job.RetryCount < job.MaxRetries)
                {
                    next = next with { Status = JobStatus.Pending, RetryCount = job.RetryCount + 1, NextAttemptAt = now, Error = InterruptedError };
                }
                else
                {
                    next = next with { Status = JobStatus.Failed, CompletedAt = now, Error = InterruptedError };
                }

                if (await _storage.Jobs.UpdateAsync(next, status, cancellationToken))
                {
                    LogRecovered(_logger, job.Id, StorageJson.ToText(next.Status), killed);
                    await _runner.AppendSystemLineAsync(job.Id, $"{InterruptedError} Recovered at start: {(killed > 0 ? "its leftover processes were killed; " : string.Empty)}now {JobDisplay.Status(next)}.");
                    _notifier.Publish(new JobChangedEvent(next));
                }
            }
        }
    }

    private async Task RecordProgressAsync(string jobId, JobProgress progress)
    {
        try
        {
            if (await _storage.Jobs.GetAsync(jobId, CancellationToken.None) is not { Status: JobStatus.Running } current)
            {
                return;
            }

            var updated = current with
            {
                Progress = progress.Percent is { } p ? Math.Clamp(p, 0, 100) : current.Progress,
                Eta = progress.Remaining is { } remaining ? _time.GetUtcNow() + remaining : current.Eta,
            };
            if (await _storage.Jobs.UpdateAsync(updated, JobStatus.Running, CancellationToken.None))
            {
                _notifier.Publish(new JobChangedEvent(updated));
            }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was left running by a stopped console: now {Status} ({Killed} leftover processes killed)")]
    private static partial void LogRecovered(ILogger logger, string jobId, string status, int killed);
}
