using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Reports;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Team;
using AirsenalOps.Tests.Integration.Team;
using AirsenalOps.Tests.Support;
using AirsenalOps.Tests.Unit.Reports;
using AirsenalOps.Web.Components.Pages.Team;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Team;

/// <summary>The team page against the stub FPL server (recorded-shape JSON) and a throwaway AIrsenal database.</summary>
public sealed class TeamPageTests : MudTestContext, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _data = new();
    private FplStubServer _fpl = null!;

    private string AirsenalDb => _data.File("airsenal.db");

    public async Task InitializeAsync() => _fpl = await FplStubServer.StartAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _fpl.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>The page's real services: secrets with this team id, FPL at <paramref name="fplUrl"/> (default: the stub).</summary>
    private void UseServices(string? teamId = "742663", string? fplUrl = null)
    {
        var secrets = teamId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["FPL_TEAM_ID"] = teamId };
        var fpl = Options.Create(new FplOptions { BaseUrl = fplUrl ?? _fpl.BaseUrl });
        Services.AddSingleton<ISecretReader>(new StaticSecrets(secrets));
        Services.AddSingleton<FplBootstrapCache>();
        Services.AddSingleton(_ => new HttpClient { BaseAddress = fpl.Value.BaseUri });
        Services.AddSingleton(sp => new FplClient(sp.GetRequiredService<HttpClient>(), sp.GetRequiredService<FplBootstrapCache>(), fpl, TimeProvider.System));
        Services.AddSingleton(_ => new AirsenalReports(Options.Create(new AirsenalOptions { PersistentDbPath = AirsenalDb })));
        Services.AddSingleton(sp => new TeamService(sp.GetRequiredService<FplClient>(), sp.GetRequiredService<AirsenalReports>(), TimeProvider.System));
    }

    /// <summary>AIrsenal believes in the live squad except that it has Ødegaard (FPL id 99) where FPL has Wood (14).</summary>
    private void CreateAirsenalSquad(bool inSync = false)
    {
        using var db = new AirsenalDbBuilder(AirsenalDb);
        int[] live = inSync ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15];
        foreach (var fplId in live)
        {
            db.Transaction(742663, db.Player(fplId, $"Player {fplId}", null, "ARS", "MID", 50, "2526", 12), 1, 1, 50);
        }

        if (!inSync)
        {
            db.Transaction(742663, db.Player(99, "Martin Ødegaard", "Ødegaard", "ARS", "MID", 80, "2526", 12), 1, 1, 80);
        }
    }

    [Fact]
    public void NoTeamId_SaysWhereToSetIt_AndAsksFplNothing()
    {
        UseServices(teamId: null);

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Contains("FPL_TEAM_ID", page.Find("[data-testid=team-id-missing]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=pitch]"));
        Assert.Empty(_fpl.Hits);
    }

    [Fact]
    public void TeamIdThatIsNotANumber_IsReported()
    {
        UseServices(teamId: "my team");

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Contains("not a positive whole number", page.Find("[data-testid=team-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=pitch]"));
    }

    [Fact]
    public void FplUnreachable_SaysSo_AndShowsNoTeam()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        UseServices(fplUrl: "http://127.0.0.1:1/api/");

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Contains("FPL could not be reached", page.Find("[data-testid=team-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=pitch]"));
        Assert.Empty(page.FindAll("[data-testid=entry-summary]"));
    }

    [Fact]
    public void LiveTeam_IsOnThePitch_WithPricesPointsCaptaincyAndTheBenchInOrder()
    {
        UseServices();

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Equal(15, page.FindAll("[data-testid=pitch-player]").Count), Patience);
        Assert.Equal(11, page.FindAll(".pitch-row [data-testid=pitch-player]").Count);
        Assert.Equal(["GK", "DEF", "MID", "FWD"], page.FindAll(".pitch-row").Select(r => r.GetAttribute("data-row")));
        var bench = page.Find("[data-testid=bench]").QuerySelectorAll(".pitch-name").Select(n => n.TextContent);
        Assert.Equal(["Pickford", "O'Reilly", "Cash", "Sánchez"], bench);
        var captain = page.Find("[data-testid=captain]").Closest("[data-testid=pitch-player]")!.TextContent;
        Assert.Contains("M.Salah", captain, StringComparison.Ordinal);
        Assert.Contains("£13.1m", captain, StringComparison.Ordinal);
        // FPL counts the captain's 13 points twice.
        Assert.Contains("26 pts", captain, StringComparison.Ordinal);
        Assert.Contains("Haaland", page.Find("[data-testid=vice-captain]").Closest("[data-testid=pitch-player]")!.TextContent, StringComparison.Ordinal);
        var heading = page.Find("[data-testid=team-heading]").TextContent;
        Assert.Contains("Ödegaard's Eleven", heading, StringComparison.Ordinal);
        Assert.Contains("Gameweek 12", heading, StringComparison.Ordinal);
    }

    [Fact]
    public void EntrySummary_ShowsBankValuePointsTransfersAndBenchPoints()
    {
        UseServices();

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=entry-summary]"), Patience);
        string Stat(string key) => page.Find($"[data-testid=stat-{key}] .stat-value").TextContent.Trim();
        Assert.Equal("£1.5m", Stat("bank"));
        Assert.Equal("£101.2m", Stat("value"));
        Assert.Equal("702", Stat("total"));
        Assert.Equal("61", Stat("gameweek"));
        Assert.Equal("1 (−4 pts)", Stat("transfers"));
        Assert.Equal("5", Stat("bench"));
    }

    [Fact]
    public void WithoutAirsenalDatabase_TheTeamShows_AndTheComparisonSaysWhy()
    {
        UseServices();

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Contains("does not exist yet", page.Find("[data-testid=diff-unavailable]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal(15, page.FindAll("[data-testid=pitch-player]").Count);
        Assert.Empty(page.FindAll(".pitch-card-highlight"));
    }

    [Fact]
    public void DifferencesFromAirsenalsSquad_AreHighlightedOnThePitch_AndListed()
    {
        CreateAirsenalSquad();
        UseServices();

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=diff-advice]"), Patience);
        var highlighted = Assert.Single(page.FindAll(".pitch-card-highlight"));
        Assert.Contains("Wood", highlighted.TextContent, StringComparison.Ordinal);
        Assert.Equal("Not in AIrsenal's squad", highlighted.GetAttribute("title"));
        Assert.Contains("Wood", page.Find("[data-testid=only-in-fpl]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Ødegaard", page.Find("[data-testid=only-in-airsenal]").TextContent, StringComparison.Ordinal);
        Assert.Contains("update_db", page.Find("[data-testid=diff-advice]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void SquadInSync_SaysSo_AndHighlightsNobody()
    {
        CreateAirsenalSquad(inSync: true);
        UseServices();

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Contains("matches", page.Find("[data-testid=diff-in-sync]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll(".pitch-card-highlight"));
    }

    [Fact]
    public async Task Refresh_AsksFplAgain_DropsTheTeamWhenFplFails_AndShowsItAgainWhenFplRecovers()
    {
        UseServices();
        var page = Render<TeamPage>();
        page.WaitForAssertion(() => Assert.Equal(15, page.FindAll("[data-testid=pitch-player]").Count), Patience);
        Assert.Equal(1, _fpl.Count("/api/entry/742663/event/12/picks/"));

        _fpl.PermanentStatus = 503;
        await page.InvokeAsync(() => page.Find("[data-testid=team-refresh]").Click());
        page.WaitForAssertion(() => Assert.Contains("503", page.Find("[data-testid=team-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=pitch]"));

        _fpl.PermanentStatus = null;
        await page.InvokeAsync(() => page.Find("[data-testid=team-refresh]").Click());
        page.WaitForAssertion(() => Assert.Equal(15, page.FindAll("[data-testid=pitch-player]").Count), Patience);
        Assert.Empty(page.FindAll("[data-testid=team-error]"));
        Assert.Equal(2, _fpl.Count("/api/entry/742663/event/12/picks/"));
        Assert.Contains("Team refreshed from FPL.", Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message));
    }

    [Fact]
    public void FreeTransfersAndChipsLeft_ComeFromTheEntryHistory()
    {
        UseServices();

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=free-transfers]")), Patience);
        // history.json: GW2–12 transfers 1,0,2,1,0,(wildcard GW7),1,0,2,0,1 leave 3 for GW13.
        Assert.Equal("3 free transfers", page.Find("[data-testid=free-transfers]").TextContent.Trim());
        Assert.Contains("For GW13", page.Find("[data-testid=team-planning]").TextContent, StringComparison.Ordinal);
        var chips = page.FindAll("[data-testid=chip]").ToDictionary(c => c.GetAttribute("data-chip")!, c => c.TextContent.Trim());
        Assert.Equal("Wildcard: played GW7", chips["wildcard"]);
        Assert.Equal("Free Hit: available", chips["freehit"]);
        Assert.Equal("Bench Boost: played GW9", chips["bboost"]);
        Assert.Equal("Triple Captain: available", chips["3xc"]);
        Assert.Equal(1, _fpl.Count("/api/entry/742663/history/"));
    }

    [Fact]
    public void PitchCards_ShowPositionBadgesAndExpectedPoints_AndTheSuggestedTransfersWithTheBankAfter()
    {
        UseServices();
        using (var db = new AirsenalDbBuilder(AirsenalDb))
        {
            var ids = new Dictionary<int, int>();
            foreach (var fplId in Enumerable.Range(1, 15))
            {
                ids[fplId] = db.Player(fplId, $"Player {fplId}", null, "ARS", "MID", 50, "2526", 12);
                db.Transaction(742663, ids[fplId], 1, 1, 50);
            }

            var odegaard = db.Player(99, "Martin Ødegaard", "Ødegaard", "ARS", "MID", 80, "2526", 12);
            var gw13 = db.Fixture(13, "ARS", "CHE");
            db.Prediction("run-13", ids[13], gw13, 6.25);
            db.Prediction("run-13", ids[8], gw13, 5.0);
            db.Suggestion(742663, ids[14], -1, 13, 2.5, "2026-11-25 10:00:00.123");
            db.Suggestion(742663, odegaard, 1, 13, 2.5, "2026-11-25 10:00:00.123");
        }

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Equal(15, page.FindAll("[data-testid=pitch] [data-testid=pitch-player], [data-testid=bench] [data-testid=pitch-player]").Count), Patience);
        Assert.Empty(page.FindAll("[data-testid=pitch] .mud-icon-root"));
        var gk = page.Find("[data-row=GK] [data-testid=position-badge]");
        Assert.Equal("GK", gk.TextContent.Trim());
        var haaland = page.FindAll("[data-testid=pitch-player]").Single(c => c.TextContent.Contains("Haaland", StringComparison.Ordinal));
        Assert.Equal("xP 6.3", haaland.QuerySelector("[data-testid=expected-points]")!.TextContent.Trim());
        Assert.Contains("GW13", page.Find("[data-testid=expected-note]").TextContent, StringComparison.Ordinal);
        var sold = Assert.Single(page.FindAll("[data-testid=pitch-player][data-sell=true]"));
        Assert.Contains("Wood", sold.TextContent, StringComparison.Ordinal);
        var buy = Assert.Single(page.FindAll("[data-testid=buys] [data-testid=pitch-player]"));
        Assert.Contains("Ødegaard", buy.TextContent, StringComparison.Ordinal);
        Assert.Contains("£8.0m", buy.TextContent, StringComparison.Ordinal);
        // £1.5m in the bank + Wood's £7.0m − Ødegaard's £8.0m.
        Assert.StartsWith("Bank after: £0.5m", page.Find("[data-testid=bank-after]").TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoPrediction_NoPlan_SaySo()
    {
        UseServices();
        CreateAirsenalSquad(inSync: true);

        var page = Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Contains("No expected points", page.Find("[data-testid=expected-note]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=expected-points]"));
        Assert.Contains("No suggested transfers", page.Find("[data-testid=no-suggestion]").TextContent, StringComparison.Ordinal);
    }
}
