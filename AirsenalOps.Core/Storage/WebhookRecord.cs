namespace AirsenalOps.Core.Storage;

/// <summary>
/// An outgoing webhook. <see cref="EncryptedUrl"/> is a Fernet token (the URL often carries a
/// Slack/Discord secret); <see cref="Host"/> is kept in clear so lists can say where it goes.
/// </summary>
public sealed record WebhookRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string EncryptedUrl { get; init; }
    public required string Host { get; init; }

    /// <summary>json (our payload), slack or discord.</summary>
    public string Format { get; init; } = "json";

    /// <summary>job_completed, job_failed, job_cancelled, chain_finished.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    public bool Enabled { get; init; } = true;
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One notification sent (or given up on) to one webhook.</summary>
public sealed record DeliveryRecord
{
    public required string Id { get; init; }
    public required string WebhookId { get; init; }
    public required string Event { get; init; }
    public string? JobId { get; init; }
    public string? ScheduleId { get; init; }

    /// <summary>delivered, failed, or retrying (a try failed; the next is due at <see cref="NextAttemptAt"/>).</summary>
    public required string Status { get; init; }
    public int Attempts { get; init; }
    public int? StatusCode { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When the next try is due, while <see cref="Status"/> is retrying.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
}
