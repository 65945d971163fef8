using System.Text.Json;

namespace AirsenalOps.Core.Audit;

/// <summary>
/// Every admin action the audit log records. Stored and filtered by its snake_case text
/// (<see cref="AuditActions.ToText"/>), so add new members at will but never rename one.
/// </summary>
public enum AuditAction
{
    LoginSucceeded,
    LoginFailed,
    SecretSet,
    SecretCleared,
    JobCreated,
    JobCancelled,
    JobRetried,
    JobGivenUp,
    TransfersApplied,
    ScheduleCreated,
    ScheduleChanged,
    ScheduleDeleted,
    ScheduleEnabled,
    ScheduleDisabled,
    WebhookCreated,
    WebhookChanged,
    WebhookDeleted,
    BackupRestored,

    /// <summary>A retention run deleted log lines or finished jobs (recorded once per run that deleted something).</summary>
    RetentionPurged,
}

public static class AuditActions
{
    private static readonly Dictionary<string, AuditAction> ByText =
        Enum.GetValues<AuditAction>().ToDictionary(ToText, a => a, StringComparer.Ordinal);

    /// <summary>Every action's text, in declaration order (filters, the API's error message).</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<AuditAction>().Select(ToText)];

    /// <summary>"job_created" for <see cref="AuditAction.JobCreated"/>.</summary>
    public static string ToText(AuditAction action) => JsonNamingPolicy.SnakeCaseLower.ConvertName(action.ToString());

    public static bool TryParse(string? text, out AuditAction action) =>
        ByText.TryGetValue(text?.Trim().ToLowerInvariant() ?? string.Empty, out action);
}
