using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace AirsenalOps.Core.Schedules;

/// <summary>
/// Reads gameweek deadlines from FPL's bootstrap-static once a day (FPL moves deadlines when fixtures
/// move, so the cache must not live forever). After a failure the old list stays in use and the read is
/// tried again after <see cref="RetryAfterFailure"/>.
/// </summary>
public sealed partial class FplDeadlineSource(HttpClient http, TimeProvider time, ILogger<FplDeadlineSource> logger) : IDeadlineSource, IDisposable
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromDays(1);
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(15);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<DateTimeOffset> _deadlines = [];
    private DateTimeOffset? _nextRefresh;

    public async Task<IReadOnlyList<DateTimeOffset>> GetDeadlinesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_nextRefresh is { } due && now < due)
        {
            return _deadlines;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_nextRefresh is { } again && now < again)
            {
                return _deadlines;
            }

            try
            {
                using var response = await http.GetAsync(new Uri("bootstrap-static/", UriKind.Relative), cancellationToken);
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                _deadlines = Parse(await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken));
                _nextRefresh = now + RefreshEvery;
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
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

    /// <summary>events[].deadline_time of a bootstrap-static document.</summary>
    public static IReadOnlyList<DateTimeOffset> Parse(JsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var deadlines = new List<DateTimeOffset>();
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("events", out var events)
            && events.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in events.EnumerateArray())
            {
                if (e.ValueKind == JsonValueKind.Object
                    && e.TryGetProperty("deadline_time", out var value)
                    && value.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var deadline))
                {
                    deadlines.Add(deadline);
                }
            }
        }

        return deadlines;
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the FPL gameweek deadlines (keeping the last known ones): {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
