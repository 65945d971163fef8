using System.Collections.Concurrent;
using System.Text.Json;
using AirsenalOps.Core.Storage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Web.Api;

/// <summary>
/// The serialised body of GET /api/jobs per filter (status, command, skip, limit), kept while the job store's
/// <see cref="VersionedJobStore.Version"/> is unchanged. Reading 50 job documents back and writing them out
/// again costs ~0.7 ms of CPU per request, and pollers ask far more often than jobs change. The store bumps
/// the version on every write of this process, so a listing never lags a change this console made; on a
/// shared MongoDB, where other instances write unseen, an entry also expires after <see cref="SharedStoreLifetime"/>.
/// </summary>
public sealed class JobListCache(IStorage storage, IOptions<JsonOptions> json, TimeProvider time)
{
    /// <summary>Filters kept at once: a dashboard polls one or two; a client paging through skip values evicts.</summary>
    public const int MaxEntries = 8;

    /// <summary>A larger body (up to 500 jobs with big outputs) is served but not kept, so the cache stays a few MB at most.</summary>
    public const int MaxCachedBodyBytes = 1024 * 1024;

    /// <summary>
    /// On MongoDB other console instances may create, claim and finish jobs: their writes do not change our
    /// version, so a cached listing may show their jobs up to this late. One second is below any page's poll
    /// interval and still answers a burst of requests from memory.
    /// </summary>
    public static readonly TimeSpan SharedStoreLifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<JobFilter, Entry> _entries = new();
    private readonly Lock _storing = new();
    private readonly JsonSerializerOptions _json = json.Value.SerializerOptions;

    /// <summary>Entries held now (for tests of the bound).</summary>
    internal int Count => _entries.Count;

    /// <summary>The UTF-8 JSON array of <see cref="JobDto"/> for <paramref name="filter"/>, the same bytes as serialising it afresh.</summary>
    public async Task<byte[]> GetAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        // A store that does not count its writes (a test double wrapping the adapter) is never cached.
        if (storage.Jobs is not VersionedJobStore versioned)
        {
            return await SerializeAsync(filter, cancellationToken);
        }

        // Both read before the store is: a write that lands during the read leaves this entry stale at once.
        var version = versioned.Version;
        var now = time.GetTimestamp();
        if (_entries.TryGetValue(filter, out var entry) && entry.Version == version
            && (versioned.SeesEveryWrite || time.GetElapsedTime(entry.Timestamp, now) < SharedStoreLifetime))
        {
            return entry.Body;
        }

        var body = await SerializeAsync(filter, cancellationToken);
        if (body.Length <= MaxCachedBodyBytes)
        {
            Store(filter, new Entry(version, now, body));
        }

        return body;
    }

    private async Task<byte[]> SerializeAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        var jobs = await storage.Jobs.ListAsync(filter, cancellationToken);
        var dtos = new List<JobDto>(jobs.Count);
        foreach (var job in jobs)
        {
            dtos.Add(JobDto.From(job));
        }

        // The type and options TypedResults.Ok(List<JobDto>) used, so the bytes are the same as before the cache.
        return JsonSerializer.SerializeToUtf8Bytes(dtos, _json);
    }

    private void Store(JobFilter filter, Entry entry)
    {
        lock (_storing)
        {
            // A slower read that began before a newer one must not replace the newer answer.
            if (_entries.TryGetValue(filter, out var current) && (current.Version, current.Timestamp).CompareTo((entry.Version, entry.Timestamp)) >= 0)
            {
                return;
            }

            if (current is null && _entries.Count >= MaxEntries)
            {
                // Room for the new filter: the oldest entry goes (stale ones are usually the oldest).
                var oldest = _entries.MinBy(e => e.Value.Timestamp);
                _entries.TryRemove(oldest.Key, out _);
            }

            _entries[filter] = entry;
        }
    }

    private sealed record Entry(long Version, long Timestamp, byte[] Body);
}
