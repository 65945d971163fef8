using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Logging;

namespace AirsenalOps.Core.Audit;

/// <summary>One page of audit entries and how many match in all.</summary>
public sealed record AuditEntries(IReadOnlyList<AuditRecord> Entries, long Total);

/// <summary>
/// Records admin actions. Core services call <see cref="RecordAsync"/> right after an action took effect,
/// so the JSON API and the Blazor pages (both call those services) are recorded alike; the actor comes
/// from <see cref="AuditActor.Current"/>, which the web layer sets.
/// </summary>
public sealed partial class AuditLog(IAuditStore store, TimeProvider time, ILogger<AuditLog> logger)
{
    public const int MaxLimit = 200;

    /// <summary>Longest stored target or detail value: an entry stays small whatever a client sends.</summary>
    private const int MaxText = 500;

    /// <summary>
    /// Appends an entry for <see cref="AuditActor.Current"/> (or <paramref name="actor"/>). The action has
    /// already happened, so a store failure is logged rather than thrown: the caller's answer must not
    /// claim the action failed. The write ignores the caller's cancellation for the same reason.
    /// </summary>
    public async Task RecordAsync(AuditAction action, string? target, IReadOnlyDictionary<string, string>? details = null, string? actor = null)
    {
        var current = AuditActor.Current;
        var entry = new AuditRecord
        {
            Id = Guid.NewGuid().ToString(),
            At = time.GetUtcNow(),
            Actor = Clip(actor ?? current.Name),
            Client = Clip(current.Client),
            Action = action,
            Target = Clip(target ?? string.Empty),
            Details = details?.ToDictionary(d => d.Key, d => Clip(d.Value), StringComparer.Ordinal) ?? [],
        };
        try
        {
            await store.AppendAsync(entry, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogNotRecorded(logger, ex, AuditActions.ToText(action), entry.Target, entry.Actor);
        }
    }

    /// <summary>Newest first; <paramref name="query"/>'s limit is bounded to 1..<see cref="MaxLimit"/>.</summary>
    public async Task<AuditEntries> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var bounded = query with { Skip = Math.Max(0, query.Skip), Limit = Math.Clamp(query.Limit, 1, MaxLimit), Actor = string.IsNullOrWhiteSpace(query.Actor) ? null : query.Actor.Trim() };
        var entries = await store.ListAsync(bounded, cancellationToken);
        var total = await store.CountAsync(bounded, cancellationToken);
        return new AuditEntries(entries, total);
    }

    private static string Clip(string value) => value.Length <= MaxText ? value : value[..MaxText] + "…";

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the audit entry {Action} {Target} by {Actor}")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string action, string target, string actor);
}
