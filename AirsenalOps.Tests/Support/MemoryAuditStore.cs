using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace AirsenalOps.Tests.Support;

/// <summary>An audit store in a list, for unit tests of services that record actions without a database.</summary>
public sealed class MemoryAuditStore : IAuditStore
{
    private readonly List<AuditRecord> _entries = [];

    public IReadOnlyList<AuditRecord> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>A real <see cref="AuditLog"/> writing into a new memory store.</summary>
    public static AuditLog NewLog(TimeProvider time, out MemoryAuditStore store)
    {
        store = new MemoryAuditStore();
        return new AuditLog(store, time, NullLogger<AuditLog>.Instance);
    }

    public static AuditLog NewLog(TimeProvider time) => NewLog(time, out _);

    public Task AppendAsync(AuditRecord entry, CancellationToken cancellationToken)
    {
        lock (_entries)
        {
            _entries.Add(entry);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AuditRecord>>([.. Matching(query).Reverse().Skip(query.Skip).Take(query.Limit)]);

    public Task<long> CountAsync(AuditQuery query, CancellationToken cancellationToken) =>
        Task.FromResult((long)Matching(query).Count());

    private IEnumerable<AuditRecord> Matching(AuditQuery query) =>
        Entries.Where(e => (query.Action is null || e.Action == query.Action) && (query.Actor is null || e.Actor == query.Actor));
}
