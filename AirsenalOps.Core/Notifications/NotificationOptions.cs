using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Core.Notifications;

public sealed record NotificationOptions
{
    /// <summary>Tries per delivery, the first included.</summary>
    [ConfigurationKeyName("WEBHOOK_MAX_ATTEMPTS")]
    [Range(1, 10, ErrorMessage = "WEBHOOK_MAX_ATTEMPTS must be between 1 and 10.")]
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Wait before the second try; each further try waits twice as long.</summary>
    [ConfigurationKeyName("WEBHOOK_RETRY_SECONDS")]
    [Range(0.0, 3600.0, ErrorMessage = "WEBHOOK_RETRY_SECONDS must be between 0 and 3600.")]
    public double RetrySeconds { get; init; } = 5;

    [ConfigurationKeyName("WEBHOOK_TIMEOUT_SECONDS")]
    [Range(1, 300, ErrorMessage = "WEBHOOK_TIMEOUT_SECONDS must be between 1 and 300.")]
    public int TimeoutSeconds { get; init; } = 10;

    /// <summary>The console's address as users reach it, so links in messages are absolute (e.g. https://fpl.example.com).</summary>
    [ConfigurationKeyName("PUBLIC_BASE_URL")]
    public string? PublicBaseUrl { get; init; }
}
