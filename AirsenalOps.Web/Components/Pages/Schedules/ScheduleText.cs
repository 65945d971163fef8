using System.Globalization;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Web.Components.Pages.Schedules;

/// <summary>How a schedule reads on the page, and the input that saves it back unchanged but for one field.</summary>
public static class ScheduleText
{
    public static string What(ScheduleRecord schedule) =>
        schedule.Target == ScheduleTarget.WeeklyChain ? string.Join(" → ", ScheduleService.ChainSteps) : schedule.Command ?? "–";

    /// <summary>"0 6 * * 5 (Europe/London)" or "6h 00m before each deadline".</summary>
    public static string Trigger(ScheduleRecord schedule) =>
        schedule.DeadlineOffsetMinutes is { } offset ? Offset(offset) : $"{schedule.Cron} ({schedule.TimeZone})";

    public static string Offset(int minutes)
    {
        if (minutes == 0)
        {
            return "at each deadline";
        }

        var span = TimeSpan.FromMinutes(Math.Abs(minutes));
        var text = span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:00}m")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m");
        return text + (minutes < 0 ? " before each deadline" : " after each deadline");
    }

    /// <summary>The run in progress, else the latest one recorded.</summary>
    public static ScheduleRun? LastRun(ScheduleRecord schedule) => schedule.Active ?? (schedule.History.Count > 0 ? schedule.History[0] : null);

    public static MudBlazor.Color OutcomeColor(string outcome) => outcome switch
    {
        "completed" => MudBlazor.Color.Success,
        "running" => MudBlazor.Color.Info,
        "failed" or "missed" => MudBlazor.Color.Error,
        "skipped" or "cancelled" => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Default,
    };

    /// <summary>The schedule as a full input (the service replaces what and when on update).</summary>
    public static ScheduleInput ToInput(ScheduleRecord schedule, bool? enabled = null) => new(
        Name: schedule.Name,
        Enabled: enabled ?? schedule.Enabled,
        Target: schedule.Target == ScheduleTarget.WeeklyChain ? ScheduleService.TargetWeeklyChain : ScheduleService.TargetCommand,
        Command: schedule.Target == ScheduleTarget.WeeklyChain ? null : schedule.Command,
        Parameters: (System.Text.Json.Nodes.JsonObject)schedule.Parameters.DeepClone(),
        Cron: schedule.Cron,
        TimeZone: schedule.TimeZone,
        DeadlineOffsetMinutes: schedule.DeadlineOffsetMinutes);
}
