using AirsenalOps.Core.Audit;

namespace AirsenalOps.Core.Storage;

/// <summary>
/// One recorded admin action. <see cref="Target"/> names what it was done to (a job id, a secret's key,
/// a schedule id); <see cref="Details"/> adds context, never a secret value.
/// </summary>
public sealed record AuditRecord
{
    public required string Id { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string Actor { get; init; }
    public required string Client { get; init; }
    public required AuditAction Action { get; init; }
    public string Target { get; init; } = string.Empty;
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();
}

/// <summary>Which entries to read: optional filters, then a page of the newest first.</summary>
public sealed record AuditQuery(AuditAction? Action = null, string? Actor = null, int Skip = 0, int Limit = 50);
