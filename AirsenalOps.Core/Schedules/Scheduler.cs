using AirsenalOps.Core.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Schedules;

/// <summary>
/// Runs <see cref="ScheduleService.TickAsync"/> at start (catching up on runs missed while the console
/// was down), every SCHEDULER_TICK_SECONDS, and as soon as a job finishes (so a chain's next step
/// does not wait for the next tick).
/// </summary>
public sealed partial class Scheduler(ScheduleService schedules, JobNotifier notifier, IOptions<ScheduleOptions> options, TimeProvider time, ILogger<Scheduler> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = notifier.SubscribeAll();
        var watcher = WatchJobsAsync(subscription, stoppingToken);
        var interval = TimeSpan.FromSeconds(options.Value.TickSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await schedules.TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store may be down for a while; the next tick tries again.
                LogTickFailed(logger, ex);
            }

            try
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(interval, time, tick.Token);
                await Task.WhenAny(delay, _wake.WaitAsync(tick.Token));
                await tick.CancelAsync();
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await watcher;
    }

    private async Task WatchJobsAsync(JobSubscription subscription, CancellationToken stoppingToken)
    {
        try
        {
            while (await subscription.Events.WaitToReadAsync(stoppingToken))
            {
                while (subscription.Events.TryRead(out var e))
                {
                    if (e is JobChangedEvent { Job.IsFinished: true })
                    {
                        Wake();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Ticks now instead of at the next interval.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is already pending.
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
