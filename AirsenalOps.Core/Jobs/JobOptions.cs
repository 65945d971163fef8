using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Core.Jobs;

/// <summary>Retry and log settings, under the peer console's variable names.</summary>
public sealed record JobOptions
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
}
