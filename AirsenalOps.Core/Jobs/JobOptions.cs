using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Core.Jobs;

/// <summary>Retry and log settings, under the peer console's variable names.</summary>
public sealed record JobOptions : IValidatableObject
{
    [ConfigurationKeyName("MAX_JOB_RETRIES")]
    [Range(0, 20, ErrorMessage = "MAX_JOB_RETRIES must be between 0 and 20.")]
    public int MaxJobRetries { get; init; } = 3;

    /// <summary>Base delay; attempt n waits this × 2^(n-1).</summary>
    [ConfigurationKeyName("JOB_RETRY_DELAY_SECONDS")]
    [Range(0, 86_400, ErrorMessage = "JOB_RETRY_DELAY_SECONDS must be between 0 and 86400.")]
    public int JobRetryDelaySeconds { get; init; } = 60;

    /// <summary>How many of the newest lines a job document carries in `logs` (all lines stay stored).</summary>
    [ConfigurationKeyName("MAX_LOG_LINES")]
    [Range(1, 1_000_000, ErrorMessage = "MAX_LOG_LINES must be between 1 and 1000000.")]
    public int MaxLogLines { get; init; } = 2000;

    /// <summary>Jobs run at the same time; above 1 only commands marked concurrency-safe run side by side.</summary>
    [ConfigurationKeyName("JOB_CONCURRENCY")]
    [Range(1, 16, ErrorMessage = "JOB_CONCURRENCY must be between 1 and 16.")]
    public int JobConcurrency { get; init; } = 1;

    /// <summary>Longest wait between retries, however many attempts came before.</summary>
    [ConfigurationKeyName("JOB_RETRY_MAX_DELAY_SECONDS")]
    [Range(0, 86_400, ErrorMessage = "JOB_RETRY_MAX_DELAY_SECONDS must be between 0 and 86400.")]
    public int JobRetryMaxDelaySeconds { get; init; } = 3600;

    /// <summary>Default maximum run time of a command that does not set its own.</summary>
    [ConfigurationKeyName("JOB_TIMEOUT_MINUTES")]
    [Range(1, 10_080, ErrorMessage = "JOB_TIMEOUT_MINUTES must be between 1 and 10080.")]
    public int JobTimeoutMinutes { get; init; } = 360;

    /// <summary>A job that prints nothing and reports no progress for this long is stopped (0 = off).</summary>
    [ConfigurationKeyName("JOB_WATCHDOG_SECONDS")]
    [Range(0, 86_400, ErrorMessage = "JOB_WATCHDOG_SECONDS must be between 0 and 86400.")]
    public int JobWatchdogSeconds { get; init; } = 1800;

    /// <summary>Time between SIGINT, SIGTERM and SIGKILL when a job is stopped.</summary>
    [ConfigurationKeyName("JOB_CANCEL_GRACE_SECONDS")]
    [Range(0, 600, ErrorMessage = "JOB_CANCEL_GRACE_SECONDS must be between 0 and 600.")]
    public double JobCancelGraceSeconds { get; init; } = 5;

    /// <summary>How long a claimed job stays its owner's without a renewal; after that another console may recover it.</summary>
    [ConfigurationKeyName("JOB_LEASE_SECONDS")]
    [Range(2, 3600, ErrorMessage = "JOB_LEASE_SECONDS must be between 2 and 3600.")]
    public int JobLeaseSeconds { get; init; } = 30;

    /// <summary>How often the owner renews the lease of each job it runs (and other consoles look for expired ones).</summary>
    [ConfigurationKeyName("JOB_HEARTBEAT_SECONDS")]
    [Range(1, 1800, ErrorMessage = "JOB_HEARTBEAT_SECONDS must be between 1 and 1800.")]
    public int JobHeartbeatSeconds { get; init; } = 10;

    public TimeSpan Lease => TimeSpan.FromSeconds(JobLeaseSeconds);

    public TimeSpan Heartbeat => TimeSpan.FromSeconds(JobHeartbeatSeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // One late renewal (a slow store, a GC pause) must not cost the lease.
        if (JobHeartbeatSeconds * 2 > JobLeaseSeconds)
        {
            yield return new ValidationResult(
                $"JOB_HEARTBEAT_SECONDS ({JobHeartbeatSeconds}) must be at most half of JOB_LEASE_SECONDS ({JobLeaseSeconds}).",
                ["JOB_HEARTBEAT_SECONDS"]);
        }
    }
}
