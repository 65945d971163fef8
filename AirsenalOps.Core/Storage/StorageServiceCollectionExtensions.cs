using AirsenalOps.Core.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The embedded database's file name inside DATA_DIR.</summary>
    public const string EmbeddedDatabaseFile = "airsenalops.db";

    /// <summary>Registers the store chosen by configuration: MongoDB when MONGO_URL is set, else embedded SQLite.</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<StorageOptions>(builder.Configuration);
        builder.Services.AddSingleton<IStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.UseMongo
                ? new Mongo.MongoStorage(options.MongoUrl!, options.DatabaseName!)
                : new SqliteStorage(Path.Combine(options.DataDirFullPath, EmbeddedDatabaseFile), options.SqliteBusyTimeoutSeconds);
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        // The audit log lives in the store, and every service that records actions needs it.
        builder.Services.TryAddSingleton(sp => new Audit.AuditLog(
            sp.GetRequiredService<IStorage>().Audit, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Audit.AuditLog>>()));
        builder.Services.AddHostedService<StorageInitializer>();
        return builder;
    }
}

/// <summary>
/// Creates tables and indexes before anything else starts (hosted services start in order).
/// The embedded store must initialise or the start fails: its problems (an unwritable DATA_DIR) are the
/// operator's to fix. A MongoDB that does not answer yet must not stop the console: it starts, reports
/// storage as down on /api/health, and keeps initialising in the background until the server answers.
/// </summary>
internal sealed partial class StorageInitializer(IStorage storage, IOptions<StorageOptions> options, ILogger<StorageInitializer> logger, TimeProvider time) : IHostedService, IDisposable
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;
    private EmbeddedStoreLock? _lock;
    private bool _disposed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // First of all (hosted services start in order): DATA_DIR owner-only before anything is written into it.
        var dataDir = options.Value.DataDirFullPath;
        if (DataDirectory.Secure(dataDir) is { Count: > 0 } tightened)
        {
            LogTightened(logger, dataDir, tightened.Count, string.Join(", ", tightened.Take(20)));
        }

        if (storage.Kind != "mongodb")
        {
            // Held until the host is disposed: a second console on this DATA_DIR refuses to start.
            _lock ??= EmbeddedStoreLock.Acquire(options.Value.DataDirFullPath);
            await storage.InitializeAsync(cancellationToken);
            return;
        }

        try
        {
            await storage.InitializeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, ex.GetType().Name, ex.Message.ReplaceLineEndings(" "));
            _retrying = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may dispose its services before it stops them (WebApplicationFactory does).
        if (_retrying.IsCompleted || _disposed)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await _retrying.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the next start tries again.
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping.Cancel();
        _stopping.Dispose();
        _lock?.Dispose();
    }

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 2; !cancellationToken.IsCancellationRequested; attempt++)
        {
            await Task.Delay(delay, time, cancellationToken);
            try
            {
                await storage.InitializeAsync(cancellationToken);
                LogInitialized(logger, attempt);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogStillUnavailable(logger, attempt, ex.GetType().Name, delay.TotalSeconds);
                delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DATA_DIR {DataDir} was readable by other users: {Count} entries made owner-only (folders 0700, files 0600): {Entries}")]
    private static partial void LogTightened(ILogger logger, string dataDir, int count, string entries);

    [LoggerMessage(Level = LogLevel.Error, Message = "MongoDB does not answer at start ({ErrorType}: {ErrorMessage}); the console starts with storage down and keeps trying")]
    private static partial void LogUnavailable(ILogger logger, string errorType, string errorMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB still does not answer (attempt {Attempt}, {ErrorType}); next try in {DelaySeconds} s")]
    private static partial void LogStillUnavailable(ILogger logger, int attempt, string errorType, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB answered; storage initialised on attempt {Attempt}")]
    private static partial void LogInitialized(ILogger logger, int attempt);
}
