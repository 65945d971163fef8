using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AirsenalOps.Core.Retention;

/// <summary>Runs <see cref="LogRetention"/> shortly after start and then every RETENTION_INTERVAL_MINUTES, off the job path.</summary>
public sealed partial class RetentionWorker(LogRetention retention, TimeProvider time, ILogger<RetentionWorker> logger) : BackgroundService
{
    /// <summary>Lets the start finish (and a recovered job settle) before the first run.</summary>
    private static readonly TimeSpan FirstRunDelay = TimeSpan.FromSeconds(15);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (retention.Options.Enabled)
        {
            LogEnabled(logger, retention.Options.Describe(), retention.Options.RetentionIntervalMinutes);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!retention.Options.Enabled)
        {
            return;
        }

        try
        {
            await Task.Delay(FirstRunDelay, time, stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromMinutes(retention.Options.RetentionIntervalMinutes), time);
            do
            {
                try
                {
                    await retention.RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A store that is down now may answer at the next run; nothing was half-deleted (each job is one step).
                    LogFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention is on and will delete: {Rules}; every {Minutes} minutes. Queued and running jobs are never touched")]
    private static partial void LogEnabled(ILogger logger, string rules, int minutes);

    [LoggerMessage(Level = LogLevel.Error, Message = "A retention run failed; the next run tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
