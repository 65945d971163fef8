using AirsenalOps.Core.Reports;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Team;
using AirsenalOps.Tests.Integration.Team;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.Unit.Reports;
using AirsenalOps.Web.Components.Pages.Optimisation;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Optimisation;

public sealed class OptimisationPageTests : CoreTestContext
{
    /// <summary>
    /// The team service the page checks sellers with, against FPL at <paramref name="fplUrl"/>; by default port 1 on
    /// loopback, where nothing listens (without FPL_TEAM_ID the page never asks).
    /// </summary>
    internal static void AddOfflineTeam(IServiceCollection services, Func<string>? fplUrl = null)
    {
        services.AddSingleton(new FplBootstrapCache());
        services.AddSingleton(sp =>
        {
            // Read when the page first asks, so a test may start its FPL stub after the services are built.
            var options = Options.Create(new FplOptions { BaseUrl = fplUrl?.Invoke() ?? "http://127.0.0.1:1/api/" });
            return new FplClient(new HttpClient { BaseAddress = options.Value.BaseUri }, sp.GetRequiredService<FplBootstrapCache>(), options, TimeProvider.System);
        });
        services.AddTransient(sp => new TeamService(sp.GetRequiredService<FplClient>(), sp.GetRequiredService<AirsenalReports>(), TimeProvider.System));
    }

    protected override void ConfigureCore(IServiceCollection services)
    {
        AddOfflineTeam(services);
        // make_transfers needs the login: with it the page offers Apply transfers.
        services.AddSingleton<ISecretReader>(new StaticSecrets(new Dictionary<string, string> { ["FPL_LOGIN"] = "me@example.com", ["FPL_PASSWORD"] = "secret" }));
    }

    private void CreateSampleDatabase()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Core.AirsenalDbPath)!);
        AirsenalDbBuilder.Sample(Core.AirsenalDbPath);
    }

    [Fact]
    public void NoDatabase_SaysWhatToDo()
    {
        var page = Render<OptimisationPage>();

        page.WaitForAssertion(() => Assert.Contains("does not exist yet", page.Find("[data-testid=optimisation-unavailable]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=apply-transfers]"));
    }

    [Fact]
    public void LatestSuggestion_ListsTransfersPerGameweek()
    {
        CreateSampleDatabase();

        var page = Render<OptimisationPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=suggestion-gameweek]").Count), Patience);
        var first = page.FindAll("[data-testid=suggestion-gameweek]")[0].TextContent;
        Assert.Contains("GW12", first, StringComparison.Ordinal);
        Assert.Contains("triple_captain", first, StringComparison.Ordinal);
        Assert.Contains("Raya", first, StringComparison.Ordinal);
        Assert.Contains("M.Salah", first, StringComparison.Ordinal);
        Assert.Equal("6.6", page.Find("[data-testid=points-gain]").TextContent);
    }

    [Fact]
    public async Task ApplyTransfers_ListsExactlyTheChanges_AndQueuesMakeTransfersOnlyWhenConfirmed()
    {
        CreateSampleDatabase();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<OptimisationPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=apply-transfers]"), Patience);

        await page.InvokeAsync(() => page.Find("[data-testid=apply-transfers]").Click());
        dialogs.WaitForAssertion(() => Assert.Equal(2, dialogs.FindAll("[data-testid=confirm-items] .mud-list-item").Count), Patience);
        var items = dialogs.Find("[data-testid=confirm-items]").TextContent;
        Assert.Contains("GW12: out Raya → in M.Salah (chip: triple_captain)", items, StringComparison.Ordinal);
        Assert.Contains("GW13: out William Saliba → in Haaland", items, StringComparison.Ordinal);

        dialogs.Find("[data-testid=confirm-cancel]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=confirm-dialog]")), Patience);
        Assert.Equal(0, await Core.Jobs.CountAsync(new JobFilter(), CancellationToken.None));

        await page.InvokeAsync(() => page.Find("[data-testid=apply-transfers]").Click());
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-ok]").Click(), Patience);

        page.WaitForAssertion(() => Assert.Contains("make_transfers queued.", Snackbars), Patience);
        var job = Assert.Single(await Core.Jobs.ListAsync(new JobFilter(), CancellationToken.None));
        Assert.Equal("make_transfers", job.Command);
        Assert.True(job.Parameters["confirm"]!.GetValue<bool>());
    }
}
