using AirsenalOps.Core.Schedules;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Unit.Schedules;

public sealed class ScheduleTimingTests
{
    private static ScheduleRecord Cron(string cron, string zone = "UTC") => new() { Id = "s", Name = "s", Cron = cron, TimeZone = zone };

    private static ScheduleRecord Deadline(int offsetMinutes) => new() { Id = "s", Name = "s", DeadlineOffsetMinutes = offsetMinutes };

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Cron_InUtc_GivesTheNextMatchingMinutes()
    {
        var runs = ScheduleTiming.NextRuns(Cron("30 6 * * 1"), Utc(2026, 9, 1, 12), 3, []);

        // 2026-09-01 is a Tuesday: the next Mondays.
        Assert.Equal([Utc(2026, 9, 7, 6, 30), Utc(2026, 9, 14, 6, 30), Utc(2026, 9, 21, 6, 30)], runs);
    }

    [Fact]
    public void Cron_InATimeZone_IsLocalWallClockTime()
    {
        var next = ScheduleTiming.NextAfter(Cron("0 9 * * 5", "America/New_York"), Utc(2026, 11, 25, 0), []);

        // Friday 27 November 2026, 09:00 EST = 14:00 UTC.
        Assert.Equal(Utc(2026, 11, 27, 14), next);
    }

    [Fact]
    public void Cron_AcrossDstChanges_KeepsLocalTime()
    {
        var schedule = Cron("0 6 * * *", "Europe/London");

        var spring = ScheduleTiming.NextRuns(schedule, Utc(2026, 3, 27, 12), 3, []);
        var autumn = ScheduleTiming.NextRuns(schedule, Utc(2026, 10, 23, 12), 3, []);

        // British Summer Time starts on 29 March and ends on 25 October 2026: 06:00 local stays 06:00 local.
        Assert.Equal([Utc(2026, 3, 28, 6), Utc(2026, 3, 29, 5), Utc(2026, 3, 30, 5)], spring);
        Assert.Equal([Utc(2026, 10, 24, 5), Utc(2026, 10, 25, 6), Utc(2026, 10, 26, 6)], autumn);
    }

    [Fact]
    public void Cron_InTheSkippedHourOfSpringForward_RunsOnceThatDay()
    {
        var runs = ScheduleTiming.NextRuns(Cron("30 1 * * *", "Europe/London"), Utc(2026, 3, 28, 12), 2, []);

        // 01:30 does not exist on 29 March in London; the run moves to the end of the gap (02:00 BST = 01:00 UTC).
        Assert.Equal([Utc(2026, 3, 29, 1), Utc(2026, 3, 30, 0, 30)], runs);
    }

    [Fact]
    public void Cron_WithSeconds_IsAccepted()
    {
        Assert.Equal(Utc(2026, 1, 1, 0, 0).AddSeconds(15), ScheduleTiming.NextAfter(Cron("15 * * * * *"), Utc(2026, 1, 1, 0), []));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cron")]
    [InlineData("61 * * * *")]
    [InlineData("* * * *")]
    public void BadCron_IsRefusedWithTheExpressionNamed(string cron)
    {
        var error = Assert.Throws<ScheduleValidationException>(() => ScheduleTiming.ParseCron(cron));
        Assert.Contains("Invalid cron expression", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTimeZone_IsRefused()
    {
        var error = Assert.Throws<ScheduleValidationException>(() => ScheduleTiming.ParseTimeZone("Mars/Olympus"));
        Assert.Contains("Mars/Olympus", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeZoneInfo.Utc, ScheduleTiming.ParseTimeZone(null));
    }

    [Fact]
    public void DeadlineOffset_RunsRelativeToEachDeadline_InOrder()
    {
        DateTimeOffset[] deadlines = [Utc(2026, 9, 19, 10, 0), Utc(2026, 9, 12, 10, 0), Utc(2026, 9, 26, 17, 30)];

        var before = ScheduleTiming.NextRuns(Deadline(-360), Utc(2026, 9, 12, 5), 5, deadlines);
        var after = ScheduleTiming.NextRuns(Deadline(90), Utc(2026, 9, 12, 5), 5, deadlines);

        // 6 hours before: the first deadline's run (04:00) is already past at 05:00.
        Assert.Equal([Utc(2026, 9, 19, 4), Utc(2026, 9, 26, 11, 30)], before);
        Assert.Equal([Utc(2026, 9, 12, 11, 30), Utc(2026, 9, 19, 11, 30), Utc(2026, 9, 26, 19)], after);
    }

    [Fact]
    public void DeadlineMovedByFpl_MovesTheRun()
    {
        var schedule = Deadline(-360);
        var now = Utc(2026, 12, 1, 0);

        var original = ScheduleTiming.NextAfter(schedule, now, [Utc(2026, 12, 5, 11)]);
        // A cup tie moves the gameweek: the deadline is a day later in the refreshed bootstrap-static.
        var moved = ScheduleTiming.NextAfter(schedule, now, [Utc(2026, 12, 6, 13, 30)]);

        Assert.Equal(Utc(2026, 12, 5, 5), original);
        Assert.Equal(Utc(2026, 12, 6, 7, 30), moved);
    }

    [Fact]
    public void DeadlineSchedule_WithoutKnownDeadlines_HasNoNextRun()
    {
        Assert.Null(ScheduleTiming.NextAfter(Deadline(-60), Utc(2026, 1, 1, 0), []));
        Assert.Empty(ScheduleTiming.NextRuns(Deadline(-60), Utc(2026, 1, 1, 0), 5, []));
    }

    [Fact]
    public void DeadlineFor_IsTheFirstDeadlineAtOrAfterTheOccurrence()
    {
        DateTimeOffset[] deadlines = [Utc(2026, 9, 19, 10), Utc(2026, 9, 12, 10)];

        Assert.Equal(Utc(2026, 9, 12, 10), ScheduleTiming.DeadlineFor(Utc(2026, 9, 12, 4), deadlines));
        Assert.Equal(Utc(2026, 9, 12, 10), ScheduleTiming.DeadlineFor(Utc(2026, 9, 12, 10), deadlines));
        Assert.Equal(Utc(2026, 9, 19, 10), ScheduleTiming.DeadlineFor(Utc(2026, 9, 12, 11), deadlines));
        Assert.Null(ScheduleTiming.DeadlineFor(Utc(2026, 9, 20, 0), deadlines));
    }
}
