using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// Keeps the log search index in step with the store, off every request and job path: at start it indexes what an
/// existing database holds (each step short, so jobs and pages keep writing and reading meanwhile), then it picks up
/// newly written lines every few seconds. A search indexes whatever is left first, so nothing written is missed.
/// </summary>
public sealed partial class LogSearchIndexWorker(IStorage storage, TimeProvider time, ILogger<LogSearchIndexWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long total = 0;
        var announced = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var indexed = await storage.Logs.IndexForSearchAsync(stoppingToken);
                if (indexed > 0)
                {
                    total += indexed;
                    if (!announced && total >= 100_000)
                    {
                        announced = true;
                        LogBuilding(logger);
                    }

                    continue;
                }

                if (announced)
                {
                    LogBuilt(logger, total);
                    announced = false;
                }

                total = 0;
                await Task.Delay(Idle, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A store that is down (MongoDB not answering yet) or busy: the next round tries again.
                LogFailed(logger, ex);
                try
                {
                    await Task.Delay(AfterFailure, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Building the log search index for stored lines (in the background; searches meanwhile say they are partial)")]
    private static partial void LogBuilding(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Log search index built: {Lines} lines indexed")]
    private static partial void LogBuilt(ILogger logger, long lines);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log search indexing failed; trying again shortly")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
