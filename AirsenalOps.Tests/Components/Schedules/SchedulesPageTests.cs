using AirsenalOps.Core.Schedules;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Components.Common;
using AirsenalOps.Web.Components.Pages.Schedules;
using Bunit;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Schedules;

public sealed class SchedulesPageTests : SchedulingTestContext
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void NoSchedules_ShowsTheEmptyState()
    {
        var page = Render<SchedulesPage>();

        page.WaitForAssertion(() => Assert.Contains("No schedules yet", page.Find("[data-testid=schedules-empty]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task TheOpenPage_FollowsWhatTheSchedulerRecords_WithoutAClick()
    {
        var schedule = await AddCronScheduleAsync("Morning update", "30 5 * * *");
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.Contains("never", page.Find("[data-testid=schedule-row-last]").TextContent, StringComparison.Ordinal), Patience);

        // The scheduler ran it and recorded the outcome; nobody touched this page.
        await Storage.Schedules.UpsertAsync(schedule with
        {
            History = [new ScheduleRun { DueAt = Now, StartedAt = Now, FinishedAt = Now, Outcome = "completed" }],
        }, None);

        page.WaitForAssertion(() => Assert.Contains("completed", page.Find("[data-testid=schedule-row-last]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public void StoreDown_ShowsTheError_InsteadOfAList()
    {
        Storage.Fail = true;

        var page = Render<SchedulesPage>();

        page.WaitForAssertion(() => Assert.Contains("Could not read the schedules: store is down", page.Find("[data-testid=schedules-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=schedules-table]"));
    }

    [Fact]
    public async Task Schedules_AreListed_WithTriggerLastRunMissedRunsAndFiveNextRuns()
    {
        var cron = await AddCronScheduleAsync("Morning update", "30 5 * * *");
        await Schedules.CreateAsync(new ScheduleInput(Name: "Before deadline", Target: ScheduleService.TargetWeeklyChain, DeadlineOffsetMinutes: -360), None);
        // A run the console missed while it was down, as the scheduler records it.
        await Storage.Schedules.UpsertAsync(cron with
        {
            History = [new ScheduleRun { DueAt = Now.AddDays(-1), FinishedAt = Now.AddDays(-1), Outcome = "missed", Detail = "The console was not running at 05:30." }],
        }, None);

        var page = Render<SchedulesPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=schedule-row-name]").Count), Patience);
        var rows = page.FindAll("tbody tr");
        Assert.Contains("update_db → predict → optimize", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("6h 00m before each deadline", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal(3, rows[0].QuerySelectorAll("[data-testid=schedule-next-run]").Length);
        Assert.Contains("never", rows[0].QuerySelector("[data-testid=schedule-row-last]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(Formats.Time(FirstDeadline.AddHours(-6)), rows[0].TextContent, StringComparison.Ordinal);

        Assert.Contains("30 5 * * * (UTC)", rows[1].TextContent, StringComparison.Ordinal);
        var next = rows[1].QuerySelectorAll("[data-testid=schedule-next-run]").Select(e => e.TextContent).ToList();
        Assert.Equal(5, next.Count);
        Assert.All(next, text => Assert.Contains("05:30:00 UTC", text, StringComparison.Ordinal));
        Assert.Contains("missed", rows[1].QuerySelector("[data-testid=schedule-row-last]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("1 missed run(s); last: The console was not running", rows[1].QuerySelector("[data-testid=schedule-missed]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ThroughTheDialog_StoresTheSchedule_AndSaysSo()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=schedules-empty]"), Patience);

        page.Find("[data-testid=new-schedule]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=schedule-save]"), Patience);
        dialogs.Find("input[data-testid=schedule-name]").Change("Friday predict");
        await dialogs.InvokeAsync(() => dialogs.FindComponents<MudSelect<string>>()[1].Instance.ValueChanged.InvokeAsync("predict"));
        dialogs.Find("input[data-testid=schedule-cron]").Change("0 7 * * 5");
        dialogs.Find("input[data-testid=schedule-timezone]").Change("Europe/London");
        dialogs.Find("[data-testid=schedule-save]").Click();

        page.WaitForAssertion(() => Assert.Contains("Friday predict", page.Find("[data-testid=schedule-row-name]").TextContent, StringComparison.Ordinal), Patience);
        var stored = Assert.Single(await Schedules.ListAsync(None));
        Assert.Equal("predict", stored.Command);
        Assert.Equal("0 7 * * 5", stored.Cron);
        Assert.Equal("Europe/London", stored.TimeZone);
        Assert.Equal(5, page.FindAll("[data-testid=schedule-next-run]").Count);
        Assert.Contains("Schedule Friday predict created.", Snackbars);
    }

    [Theory]
    [InlineData("cron", "61 * * * *", "Invalid cron expression '61 * * * *'")]
    [InlineData("timezone", "Mars/Olympus", "Unknown time zone 'Mars/Olympus'")]
    [InlineData("offset", "-20000", "deadline_offset_minutes must be between -10080 and 10080")]
    public async Task BadTiming_ShowsTheCoreMessage_AndStoresNothing(string field, string value, string message)
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=schedules-empty]"), Patience);

        page.Find("[data-testid=new-schedule]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=schedule-save]"), Patience);
        if (field == "offset")
        {
            await dialogs.InvokeAsync(() => dialogs.FindComponent<MudSelect<bool>>().Instance.ValueChanged.InvokeAsync(true));
        }

        dialogs.WaitForElement($"input[data-testid=schedule-{field}]", Patience).Change(value);
        dialogs.Find("[data-testid=schedule-save]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains(message, dialogs.Find("[data-testid=schedule-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(await Schedules.ListAsync(None));
    }

    [Fact]
    public async Task Edit_ChangesTheTiming_AndKeepsTheRest()
    {
        var schedule = await AddCronScheduleAsync("Nightly", "0 1 * * *", "predict");
        var dialogs = Render<MudDialogProvider>();
        var page = Render<SchedulesPage>();
        page.WaitForElement("[data-testid=schedule-edit]", Patience).Click();

        dialogs.WaitForAssertion(() => Assert.Equal("0 1 * * *", dialogs.Find("input[data-testid=schedule-cron]").GetAttribute("value")), Patience);
        dialogs.Find("input[data-testid=schedule-cron]").Change("0 2 * * *");
        dialogs.Find("[data-testid=schedule-save]").Click();

        page.WaitForAssertion(() => Assert.Contains("0 2 * * * (UTC)", page.Find("[data-testid=schedule-row-trigger]").TextContent, StringComparison.Ordinal), Patience);
        var stored = await Schedules.GetAsync(schedule.Id, None);
        Assert.Equal("predict", stored!.Command);
        Assert.Equal("Nightly", stored.Name);
        Assert.Contains("Schedule Nightly saved.", Snackbars);
    }

    [Fact]
    public async Task Toggle_DisablesTheSchedule_AndItsNextRunsGo()
    {
        var schedule = await AddCronScheduleAsync("Nightly");
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("[data-testid=schedule-next-run]").Count), Patience);

        await page.InvokeAsync(() => page.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(false));

        page.WaitForAssertion(() => Assert.Contains("disabled", page.Find("[data-testid=schedule-row-next]").TextContent, StringComparison.Ordinal), Patience);
        Assert.False((await Schedules.GetAsync(schedule.Id, None))!.Enabled);
        Assert.Contains("Schedule Nightly disabled.", Snackbars);
    }

    [Fact]
    public async Task RunNow_StartsTheCommand_AndASecondClickIsRefusedWhileItRuns()
    {
        await AddCronScheduleAsync("Nightly", command: "update_db");
        var page = Render<SchedulesPage>();
        page.WaitForElement("[data-testid=schedule-run]", Patience).Click();

        page.WaitForAssertion(() => Assert.Contains("Schedule Nightly started.", Snackbars), Patience);
        Assert.Equal(["update_db"], Jobs.Started);
        page.WaitForAssertion(() => Assert.Contains("running", page.Find("[data-testid=schedule-row-last]").TextContent, StringComparison.Ordinal), Patience);

        page.Find("[data-testid=schedule-run]").Click();

        page.WaitForAssertion(() => Assert.Contains("The schedule's previous run is still running.", Snackbars), Patience);
        Assert.Single(Jobs.Started);
    }

    [Fact]
    public async Task Delete_AsksFirst_CancelKeeps_ConfirmRemoves()
    {
        var schedule = await AddCronScheduleAsync("Nightly");
        var dialogs = Render<MudDialogProvider>();
        var page = Render<SchedulesPage>();

        page.WaitForElement("[data-testid=schedule-delete]", Patience).Click();
        dialogs.WaitForElement("[data-testid=confirm-cancel]", Patience).Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=confirm-dialog]")), Patience);
        Assert.NotNull(await Schedules.GetAsync(schedule.Id, None));

        page.Find("[data-testid=schedule-delete]").Click();
        dialogs.WaitForElement("[data-testid=confirm-ok]", Patience).Click();

        page.WaitForAssertion(() => page.Find("[data-testid=schedules-empty]"), Patience);
        Assert.Null(await Schedules.GetAsync(schedule.Id, None));
        Assert.Contains("Schedule Nightly deleted.", Snackbars);
    }

    [Fact]
    public async Task ActionThatFails_SaysWhy_InASnackbar()
    {
        await AddCronScheduleAsync("Nightly");
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=schedule-run]"), Patience);

        Storage.Fail = true;
        page.Find("[data-testid=schedule-run]").Click();

        page.WaitForAssertion(() => Assert.Contains("The action failed: store is down", Snackbars), Patience);
        Assert.Empty(Jobs.Started);
        page.WaitForAssertion(() => page.Find("[data-testid=schedules-error]"), Patience);
    }

    [Fact]
    public void Offset_ReadsAsHoursBeforeOrAfter()
    {
        Assert.Equal("6h 00m before each deadline", ScheduleText.Offset(-360));
        Assert.Equal("45m after each deadline", ScheduleText.Offset(45));
        Assert.Equal("at each deadline", ScheduleText.Offset(0));
    }
}
