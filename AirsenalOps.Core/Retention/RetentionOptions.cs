using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Core.Retention;

/// <summary>
/// How long finished jobs and their logs are kept. Every rule is off (0) by default: nothing a user stored is
/// deleted unless a setting asks for it, and the start-up log says what will be deleted when one does.
/// </summary>
public sealed record RetentionOptions
{
    /// <summary>Log lines of jobs that finished more than this many days ago are deleted (0 = off).</summary>
    [ConfigurationKeyName("LOG_RETENTION_DAYS")]
    [Range(0, 36_500, ErrorMessage = "LOG_RETENTION_DAYS must be between 0 (off) and 36500.")]
    public int LogRetentionDays { get; init; }

    /// <summary>Per command, only this many of the newest finished jobs are kept; older ones are deleted whole (0 = off).</summary>
    [ConfigurationKeyName("JOB_RETENTION_PER_COMMAND")]
    [Range(0, 1_000_000, ErrorMessage = "JOB_RETENTION_PER_COMMAND must be between 0 (off) and 1000000.")]
    public int JobRetentionPerCommand { get; init; }

    /// <summary>While all stored log lines take more than this, the oldest finished jobs' lines are deleted (0 = off).</summary>
    [ConfigurationKeyName("LOG_MAX_TOTAL_MB")]
    [Range(0, 10_000_000, ErrorMessage = "LOG_MAX_TOTAL_MB must be between 0 (off) and 10000000.")]
    public long LogMaxTotalMb { get; init; }

    /// <summary>Time between retention runs (the first runs shortly after start).</summary>
    [ConfigurationKeyName("RETENTION_INTERVAL_MINUTES")]
    [Range(1, 10_080, ErrorMessage = "RETENTION_INTERVAL_MINUTES must be between 1 and 10080.")]
    public int RetentionIntervalMinutes { get; init; } = 60;

    /// <summary>The size cap in bytes; tests set it directly to work with small logs.</summary>
    public long LogMaxTotalBytes { get; init; } = -1;

    public long MaxTotalBytes => LogMaxTotalBytes >= 0 ? LogMaxTotalBytes : LogMaxTotalMb * 1024 * 1024;

    public bool Enabled => LogRetentionDays > 0 || JobRetentionPerCommand > 0 || MaxTotalBytes > 0;

    /// <summary>What will be deleted, in one sentence for the start-up log.</summary>
    public string Describe()
    {
        var rules = new List<string>();
        if (LogRetentionDays > 0)
        {
            rules.Add($"log lines of jobs finished more than {LogRetentionDays} days ago (LOG_RETENTION_DAYS)");
        }

        if (JobRetentionPerCommand > 0)
        {
            rules.Add($"whole finished jobs beyond the newest {JobRetentionPerCommand} of each command (JOB_RETENTION_PER_COMMAND)");
        }

        if (MaxTotalBytes > 0)
        {
            rules.Add($"log lines of the oldest finished jobs while all logs take more than {MaxTotalBytes / (1024.0 * 1024):0.##} MB (LOG_MAX_TOTAL_MB)");
        }

        return string.Join("; ", rules);
    }
}
