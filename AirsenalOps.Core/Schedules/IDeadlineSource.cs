namespace AirsenalOps.Core.Schedules;

/// <summary>FPL gameweek deadlines (bootstrap-static events[].deadline_time), cached by the implementation.</summary>
public interface IDeadlineSource
{
    /// <summary>Every known deadline, in any order; empty when none could be read yet. Never throws for a network failure.</summary>
    Task<IReadOnlyList<DateTimeOffset>> GetDeadlinesAsync(CancellationToken cancellationToken);
}
