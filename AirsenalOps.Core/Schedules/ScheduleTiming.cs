using AirsenalOps.Core.Storage;
using Cronos;

namespace AirsenalOps.Core.Schedules;

/// <summary>When a schedule runs: pure functions of its timing, a point in time and the known deadlines.</summary>
public static class ScheduleTiming
{
    /// <summary>Parses 5 fields (minute precision) or 6 (with seconds); throws <see cref="ScheduleValidationException"/>.</summary>
    public static CronExpression ParseCron(string? expression)
    {
        var text = expression?.Trim() ?? string.Empty;
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            throw new ScheduleValidationException($"Invalid cron expression '{text}': {ex.Message}");
        }
    }

    /// <summary>An IANA id such as Europe/London (Windows ids work too); throws <see cref="ScheduleValidationException"/>.</summary>
    public static TimeZoneInfo ParseTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ScheduleValidationException($"Unknown time zone '{id}'. Use an IANA name such as Europe/London or UTC.");
        }
    }

    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>; null when there is none (a deadline
    /// schedule with no known deadline ahead, or a cron expression that never matches again).
    /// </summary>
    public static DateTimeOffset? NextAfter(ScheduleRecord schedule, DateTimeOffset after, IReadOnlyList<DateTimeOffset> deadlines)
    {
        if (schedule.DeadlineOffsetMinutes is { } offset)
        {
            var shift = TimeSpan.FromMinutes(offset);
            DateTimeOffset? best = null;
            foreach (var deadline in deadlines)
            {
                var at = deadline + shift;
                if (at > after && (best is null || at < best))
                {
                    best = at;
                }
            }

            return best;
        }

        // Cronos walks the zone's own calendar: "0 6 * * *" in Europe/London is 06:00 local on both sides of a DST change.
        return ParseCron(schedule.Cron).GetNextOccurrence(after.ToUniversalTime(), ParseTimeZone(schedule.TimeZone), inclusive: false)?.ToUniversalTime();
    }

    /// <summary>The next <paramref name="count"/> occurrences after <paramref name="after"/>.</summary>
    public static IReadOnlyList<DateTimeOffset> NextRuns(ScheduleRecord schedule, DateTimeOffset after, int count, IReadOnlyList<DateTimeOffset> deadlines)
    {
        var runs = new List<DateTimeOffset>(count);
        var from = after;
        while (runs.Count < count && NextAfter(schedule, from, deadlines) is { } next)
        {
            runs.Add(next);
            from = next;
        }

        return runs;
    }

    /// <summary>
    /// The deadline an occurrence works towards: the first deadline at or after it. A run that is late
    /// (the console was down) is still worth starting until then.
    /// </summary>
    public static DateTimeOffset? DeadlineFor(DateTimeOffset occurrence, IReadOnlyList<DateTimeOffset> deadlines)
    {
        DateTimeOffset? best = null;
        foreach (var deadline in deadlines)
        {
            if (deadline >= occurrence && (best is null || deadline < best))
            {
                best = deadline;
            }
        }

        return best;
    }
}

/// <summary>A schedule request the service refused; the API answers 422 with the message as detail.</summary>
public sealed class ScheduleValidationException(string message) : Exception(message);
