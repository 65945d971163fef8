using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Core.Schedules;

public sealed record ScheduleOptions
{
    /// <summary>How often the scheduler looks for due runs (it also wakes when a job finishes).</summary>
    [ConfigurationKeyName("SCHEDULER_TICK_SECONDS")]
    [Range(1, 3600, ErrorMessage = "SCHEDULER_TICK_SECONDS must be between 1 and 3600.")]
    public int TickSeconds { get; init; } = 15;

    /// <summary>
    /// A run found due later than this is "late" (the console was down): it still runs once if its
    /// gameweek deadline has not passed, else it is recorded as missed.
    /// </summary>
    [ConfigurationKeyName("SCHEDULE_GRACE_SECONDS")]
    [Range(1, 86_400, ErrorMessage = "SCHEDULE_GRACE_SECONDS must be between 1 and 86400.")]
    public int GraceSeconds { get; init; } = 120;
}
