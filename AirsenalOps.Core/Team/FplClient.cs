using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AirsenalOps.Core.Team;

/// <summary>FPL answered with an error or not at all; <see cref="StatusCode"/> is FPL's status when it answered.</summary>
public sealed class FplApiException(string message, HttpStatusCode? statusCode = null, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;
}

/// <summary>
/// The public FPL endpoints a team page needs (reference §7), as a typed HttpClient. Retries and timeouts
/// come from the resilience handler registered with it; bootstrap-static is cached because it is large and
/// every request needs it.
/// </summary>
public sealed class FplClient(HttpClient http, FplBootstrapCache cache, IOptions<FplOptions> options, TimeProvider time)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    public async Task<FplBootstrap> GetBootstrapAsync(CancellationToken cancellationToken)
    {
        var maxAge = TimeSpan.FromSeconds(options.Value.BootstrapCacheSeconds);
        if (cache.Get(time.GetUtcNow(), maxAge) is { } cached)
        {
            return cached;
        }

        await cache.Gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed it while this one waited.
            if (cache.Get(time.GetUtcNow(), maxAge) is { } fresh)
            {
                return fresh;
            }

            var value = await GetAsync<FplBootstrap>("bootstrap-static/", cancellationToken);
            cache.Set(value, time.GetUtcNow());
            return value;
        }
        finally
        {
            cache.Gate.Release();
        }
    }

    public Task<FplEntry> GetEntryAsync(int teamId, CancellationToken cancellationToken) =>
        GetAsync<FplEntry>($"entry/{teamId}/", cancellationToken);

    public Task<FplHistory> GetHistoryAsync(int teamId, CancellationToken cancellationToken) =>
        GetAsync<FplHistory>($"entry/{teamId}/history/", cancellationToken);

    public Task<FplPicks> GetPicksAsync(int teamId, int gameweek, CancellationToken cancellationToken) =>
        GetAsync<FplPicks>($"entry/{teamId}/event/{gameweek}/picks/", cancellationToken);

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new FplApiException($"FPL answered {(int)response.StatusCode} {response.ReasonPhrase} for {path}", response.StatusCode);
            }

            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new FplApiException($"FPL sent an empty body for {path}");
        }
        catch (HttpRequestException ex)
        {
            throw new FplApiException($"FPL could not be reached for {path}: {ex.Message}", ex.StatusCode, ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new FplApiException($"FPL did not answer {path} in time", null, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FplApiException($"FPL did not answer {path} in time", null, ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new FplApiException("FPL has been failing; calls are paused for a few seconds", null, ex);
        }
        catch (JsonException ex)
        {
            // Bot protection answers 200 with an HTML captcha page now and then.
            throw new FplApiException($"FPL sent something that is not the expected JSON for {path}", null, ex);
        }
    }
}

/// <summary>
/// bootstrap-static shared across requests. It lives apart from <see cref="FplClient"/> because typed clients
/// are short-lived (so the factory can rotate their handlers) while the cache must outlive them.
/// </summary>
public sealed class FplBootstrapCache
{
    private Entry? _entry;

    /// <summary>
    /// Never disposed: a fetch still running while the host shuts down must be able to release it, and a
    /// SemaphoreSlim whose wait handle is never asked for holds nothing that needs disposing.
    /// </summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    internal FplBootstrap? Get(DateTimeOffset now, TimeSpan maxAge) =>
        Volatile.Read(ref _entry) is { } entry && now - entry.FetchedAt < maxAge ? entry.Value : null;

    internal void Set(FplBootstrap value, DateTimeOffset fetchedAt) => Volatile.Write(ref _entry, new Entry(value, fetchedAt));

    private sealed record Entry(FplBootstrap Value, DateTimeOffset FetchedAt);
}
