using Microsoft.Extensions.Logging;

namespace AirsenalOps.Core.Schedules;

/// <summary>
/// Gameweek deadlines from FPL's bootstrap-static (through the team layer's FPL client), read again
/// once a day: FPL moves deadlines when fixtures move, so the list must not live forever. After a
/// failure the last list stays in use and the read is tried again after <see cref="RetryAfterFailure"/>.
/// </summary>
public sealed partial class FplDeadlineSource(Func<CancellationToken, Task<IReadOnlyList<DateTimeOffset>>> read, TimeProvider time, ILogger<FplDeadlineSource> logger) : IDeadlineSource, IDisposable
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromDays(1);
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(15);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<DateTimeOffset> _deadlines = [];
    private DateTimeOffset? _nextRefresh;

    public async Task<IReadOnlyList<DateTimeOffset>> GetDeadlinesAsync(CancellationToken cancellationToken)
    {
        if (_nextRefresh is { } due && time.GetUtcNow() < due)
        {
            return _deadlines;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (_nextRefresh is { } again && now < again)
            {
                return _deadlines;
            }

            try
            {
                _deadlines = await read(cancellationToken);
                _nextRefresh = now + RefreshEvery;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                LogReadFailed(logger, ex.Message);
                _nextRefresh = now + RetryAfterFailure;
            }

            return _deadlines;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the FPL gameweek deadlines (keeping the last known ones): {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
