using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.E2E.Support;
using AirsenalOps.Tests.Integration.Team;
using AirsenalOps.Tests.Unit.Reports;
using AirsenalOps.Web.Components.Pages.Environment;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Environment;

/// <summary>A machine with nothing set up: no CLI, no secrets, no database.</summary>
public sealed class EnvironmentPageTests : CoreTestContext
{
    private AirsenalDatabase Database => Core.Services.GetRequiredService<AirsenalDatabase>();

    private string NavigatedTo => Services.GetRequiredService<NavigationManager>().Uri;

    [Fact]
    public void NothingSetUp_EachFailingCheckSaysWhatToDo()
    {
        var page = Render<EnvironmentPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=check-cli]"), Patience);
        AssertCheck(page, "cli", "failed", "AIRSENAL_BIN_DIR");
        AssertCheck(page, "secret-FPL_TEAM_ID", "failed", "Settings page");
        Assert.Contains("update_db", page.Find("[data-testid=check-secret-FPL_TEAM_ID] [data-testid=check-detail]").TextContent, StringComparison.Ordinal);
        // Only the commands that change the real team need the login: a warning, not a failure.
        AssertCheck(page, "secret-FPL_LOGIN", "warning", "Settings page");
        AssertCheck(page, "database", "failed", "setup_db");
        // The disk checks and the backups list load after the first checks: wait for them, do not assume.
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid^=check-disk-]")), Patience);
        page.WaitForAssertion(() => Assert.Contains("No backups yet", page.Find("[data-testid=no-backups]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task SetupDb_QueuesTheJob_AndOpensItsPage()
    {
        var page = Render<EnvironmentPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=start-setup-db]"), Patience);

        await page.InvokeAsync(() => page.Find("[data-testid=start-setup-db]").Click());

        var job = await WaitForSingleJobAsync();
        Assert.Equal("setup_db", job.Command);
        Assert.Null(job.Parameters["clean"]);
        Assert.EndsWith($"/jobs/{job.Id}", NavigatedTo, StringComparison.Ordinal);
        Assert.Contains("setup_db queued.", Snackbars);
    }

    [Fact]
    public async Task SetupDbClean_AsksFirst_AndPassesTheCatalogueConfirmOnlyWhenConfirmed()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<EnvironmentPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=start-setup-db]"), Patience);
        await page.InvokeAsync(() => CheckBox(page, "setup-clean").Change(true));

        await page.InvokeAsync(() => page.Find("[data-testid=start-setup-db]").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("deleted", dialogs.Find("[data-testid=confirm-items]").TextContent, StringComparison.Ordinal), Patience);
        dialogs.Find("[data-testid=confirm-cancel]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=confirm-dialog]")), Patience);
        Assert.Equal(0, await Core.Jobs.CountAsync(new JobFilter(), CancellationToken.None));

        await page.InvokeAsync(() => page.Find("[data-testid=start-setup-db]").Click());
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-ok]").Click(), Patience);

        var job = await WaitForSingleJobAsync();
        Assert.Equal("setup_db", job.Command);
        Assert.True(job.Parameters["clean"]!.GetValue<bool>());
        Assert.True(job.Parameters["confirm"]!.GetValue<bool>());
        // The confirm is the console's: AIrsenal's setup has no such flag.
        Assert.Equal("airsenal_setup_initial_db --clean", job.CommandLine);
    }

    [Fact]
    public async Task UpdateDb_QueuesTheJob_AndOpensItsPage()
    {
        var page = Render<EnvironmentPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=start-update-db]"), Patience);

        await page.InvokeAsync(() => page.Find("[data-testid=start-update-db]").Click());

        var job = await WaitForSingleJobAsync();
        Assert.Equal("update_db", job.Command);
        Assert.EndsWith($"/jobs/{job.Id}", NavigatedTo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backups_AreListedNewestFirst_AndRestoredAfterConfirming()
    {
        WriteBackup("airsenal-20261101T120000000Z.db");
        WriteBackup("airsenal-20261120T083000000Z.db");
        var dialogs = Render<MudDialogProvider>();
        var page = Render<EnvironmentPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=backup-row]").Count), Patience);
        Assert.Contains("2026-11-20 08:30:00 UTC", page.FindAll("[data-testid=backup-row]")[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("KB", page.FindAll("[data-testid=backup-row]")[0].TextContent, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.FindAll("[data-testid=restore-backup]")[1].Click());
        dialogs.WaitForAssertion(() => Assert.Contains("airsenal-20261101T120000000Z.db", dialogs.Find("[data-testid=confirm-items]").TextContent, StringComparison.Ordinal), Patience);
        dialogs.Find("[data-testid=confirm-ok]").Click();

        page.WaitForAssertion(() => Assert.Contains("Restored airsenal-20261101T120000000Z.db.", Snackbars), Patience);
        Assert.True(File.Exists(Core.AirsenalDbPath));
        // The checks follow: the database now exists.
        page.WaitForAssertion(() => Assert.Equal("ok", page.Find("[data-testid=check-database]").GetAttribute("data-state")), Patience);
    }

    [Fact]
    public async Task Restore_WhileAJobUsesTheDatabase_IsRefusedWithCoresMessage()
    {
        WriteBackup("airsenal-20261101T120000000Z.db");
        var running = await Core.AddJobAsync(CoreServices.NewJob("update_db", JobStatus.Running) with { StartedAt = Core.Clock.GetUtcNow() });
        await Database.PrepareLocalAsync(running.Id, CancellationToken.None);
        var dialogs = Render<MudDialogProvider>();
        var page = Render<EnvironmentPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=restore-backup]"), Patience);

        await page.InvokeAsync(() => page.Find("[data-testid=restore-backup]").Click());
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-ok]").Click(), Patience);

        page.WaitForAssertion(() => Assert.Contains("A job is using the AIrsenal database", page.Find("[data-testid=restore-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.False(File.Exists(Core.AirsenalDbPath));
    }

    private void WriteBackup(string name)
    {
        Directory.CreateDirectory(Database.BackupDirectory);
        AirsenalDbBuilder.Sample(Path.Combine(Database.BackupDirectory, name));
    }

    private async Task<JobRecord> WaitForSingleJobAsync()
    {
        for (var waited = TimeSpan.Zero; waited < Patience; waited += TimeSpan.FromMilliseconds(50))
        {
            if (await Core.Jobs.ListAsync(new JobFilter(), CancellationToken.None) is [var job])
            {
                return job;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("No job was queued.");
    }

    internal static IElement CheckBox(IRenderedComponent<EnvironmentPage> page, string testId)
    {
        var element = page.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    internal static void AssertCheck(IRenderedComponent<EnvironmentPage> page, string id, string state, string fix)
    {
        var check = page.Find($"[data-testid=check-{id}]");
        Assert.Equal(state, check.GetAttribute("data-state"));
        Assert.Contains(fix, check.QuerySelector("[data-testid=check-fix]")!.TextContent, StringComparison.Ordinal);
    }
}

/// <summary>A machine ready to work: the CLI answers, every needed secret is set, the database exists.</summary>
public sealed class EnvironmentPageReadyTests : CoreTestContext
{
    private readonly E2EAirsenal _cli = new();

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["AIRSENAL_BIN_DIR"] = _cli.BinDir };

    protected override void ConfigureCore(IServiceCollection services) =>
        services.AddSingleton<ISecretReader>(new StaticSecrets(new Dictionary<string, string>
        {
            ["FPL_TEAM_ID"] = "742663",
            ["FPL_LOGIN"] = "me@example.com",
            ["FPL_PASSWORD"] = "do-not-show-me",
        }));

    [Fact]
    public void EveryCheckPasses_WithTheVersionAndTheDatabaseSize()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Core.AirsenalDbPath)!);
        AirsenalDbBuilder.Sample(Core.AirsenalDbPath);

        var page = Render<EnvironmentPage>();

        page.WaitForAssertion(() => Assert.Equal("ok", page.Find("[data-testid=check-cli]").GetAttribute("data-state")), Patience);
        Assert.Contains("AIrsenal 1.9.0-e2e", page.Find("[data-testid=check-cli]").TextContent, StringComparison.Ordinal);
        foreach (var key in new[] { "FPL_TEAM_ID", "FPL_LOGIN", "FPL_PASSWORD" })
        {
            Assert.Equal("ok", page.Find($"[data-testid=check-secret-{key}]").GetAttribute("data-state"));
        }

        var database = page.Find("[data-testid=check-database]");
        Assert.Equal("ok", database.GetAttribute("data-state"));
        Assert.Contains("KB, last updated", database.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=check-cli] [data-testid=check-fix]"));
        Assert.DoesNotContain("do-not-show-me", page.Markup, StringComparison.Ordinal);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _cli.Dispose();
        }
    }
}

/// <summary>The checks themselves fail (the secrets store does not answer).</summary>
public sealed class EnvironmentPageErrorTests : CoreTestContext
{
    protected override void ConfigureCore(IServiceCollection services) => services.AddSingleton<ISecretReader>(new FailingSecrets());

    [Fact]
    public void ChecksThatCannotRun_SayWhy()
    {
        var page = Render<EnvironmentPage>();

        page.WaitForAssertion(() => Assert.Contains("secrets store is down", page.Find("[data-testid=checks-error]").TextContent, StringComparison.Ordinal), Patience);
    }

    private sealed class FailingSecrets : ISecretReader
    {
        public Task<IReadOnlyDictionary<string, string>> ReadAllAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The secrets store is down.");
    }
}
