using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.Integration.Team;
using AirsenalOps.Tests.Unit.Airsenal;
using AirsenalOps.Tests.Unit.Reports;
using AirsenalOps.Web.Components.Pages.Optimisation;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Components.Optimisation;

/// <summary>The page's warnings: sellers missing from the live FPL team, a plan older than the newest prediction, no FPL login.</summary>
public sealed class OptimisationWarningsTests : CoreTestContext
{
    private readonly Dictionary<string, string> _secrets = new() { ["FPL_TEAM_ID"] = "742663", ["FPL_LOGIN"] = "me@example.com", ["FPL_PASSWORD"] = "secret" };
    private FplStubServer? _fpl;

    protected override void ConfigureCore(IServiceCollection services)
    {
        OptimisationPageTests.AddOfflineTeam(services, () => _fpl?.BaseUrl ?? "http://127.0.0.1:1/api/");
        services.AddSingleton<ISecretReader>(new StaticSecrets(_secrets));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _fpl is not null)
        {
            _fpl.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// A stored run for team 742663 selling FPL players <paramref name="sold"/> in GW12 and, in GW13, the player it bought
    /// in GW12 (the stub's live team is FPL ids 1–15).
    /// </summary>
    private void CreatePlan(params int[] sold)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Core.AirsenalDbPath)!);
        using var db = new AirsenalDbBuilder(Core.AirsenalDbPath);
        var bought = db.Player(300, "Bukayo Newman", "Newman", "ARS", "MID", 60, "2526", 12);
        foreach (var fplId in sold)
        {
            db.Suggestion(742663, db.Player(fplId, $"Player {fplId}", $"P{fplId}", "ARS", "MID", 50, "2526", 12), -1, 12, 4.0, "2026-11-27 09:00:00");
        }

        db.Suggestion(742663, bought, 1, 12, 4.0, "2026-11-27 09:00:00");
        db.Suggestion(742663, bought, -1, 13, 4.0, "2026-11-27 09:00:00");
        db.Suggestion(742663, db.Player(301, "Other Player", "Other", "LIV", "MID", 60, "2526", 12), 1, 13, 4.0, "2026-11-27 09:00:00");
    }

    private IRenderedComponent<OptimisationPage> RenderLoaded()
    {
        var page = Render<OptimisationPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=suggestion-gameweek]")), Patience);
        return page;
    }

    [Fact]
    public async Task ASellerNotInTheLiveTeam_IsNamed()
    {
        _fpl = await FplStubServer.StartAsync();
        CreatePlan(14, 99);

        var page = RenderLoaded();

        page.WaitForAssertion(() => Assert.Contains("sells P99 but he is not in the live FPL team (gameweek 12)", page.Find("[data-testid=warning-sellers]").TextContent, StringComparison.Ordinal), Patience);
        // Wood (14) is in the team; Newman, sold in GW13, is bought by the plan in GW12.
        Assert.DoesNotContain("P14", page.Find("[data-testid=warning-sellers]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Newman", page.Find("[data-testid=warning-sellers]").TextContent, StringComparison.Ordinal);
        Assert.Equal("team", page.Find("[data-testid=warning-sellers] a").GetAttribute("href"));
    }

    [Fact]
    public async Task SellersAllInTheLiveTeam_NoWarning()
    {
        _fpl = await FplStubServer.StartAsync();
        CreatePlan(14, 3);

        var page = RenderLoaded();

        page.WaitForAssertion(() => Assert.Equal(1, _fpl.Count("/api/entry/742663/event/12/picks/")), Patience);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=warning-sellers]")), Patience);
        Assert.Empty(page.FindAll("[data-testid=warning-sellers-unchecked]"));
    }

    [Fact]
    public void FplUnreachable_SaysTheSellersWereNotChecked()
    {
        CreatePlan(14);

        var page = RenderLoaded();

        page.WaitForAssertion(() => Assert.Contains("not checked against the live FPL team", page.Find("[data-testid=warning-sellers-unchecked]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=warning-sellers]"));
    }

    [Fact]
    public async Task APredictionNewerThanThePlan_IsWarnedOf_AndAnOlderOneIsNot()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Core.AirsenalDbPath)!);
        File.Copy(RealPlans.DatabaseFixture, Core.AirsenalDbPath);
        var start = RealPlans.SuggestionTime.AddMinutes(-3);
        await Core.AddJobAsync(RealPlans.JobRecord(RealOutput.Lines("run_optimization.stdout.txt"), start, start.AddMinutes(3)));
        await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Completed, start.AddMinutes(-20)) with { CompletedAt = start.AddMinutes(-10) });

        var before = RenderLoaded();

        Assert.Empty(before.FindAll("[data-testid=warning-stale-plan]"));

        var newer = await Core.AddJobAsync(CoreServices.NewJob("predict", JobStatus.Completed, start.AddMinutes(10)) with { CompletedAt = start.AddMinutes(12) });

        var after = RenderLoaded();

        var warning = after.Find("[data-testid=warning-stale-plan]");
        Assert.Contains("made before the newest prediction", warning.TextContent, StringComparison.Ordinal);
        Assert.Equal($"jobs/{newer.Id}", warning.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void NoFplLogin_WarnsBeforeApplyTransfers_WithALinkToSettings_AndDisablesIt()
    {
        _secrets.Remove("FPL_PASSWORD");
        CreatePlan(14);

        var page = RenderLoaded();

        var warning = page.Find("[data-testid=warning-no-login]");
        Assert.Contains("FPL_LOGIN", warning.TextContent, StringComparison.Ordinal);
        Assert.Contains("FPL_PASSWORD", warning.TextContent, StringComparison.Ordinal);
        Assert.Equal("settings", warning.QuerySelector("a")!.GetAttribute("href"));
        Assert.True(page.Find("[data-testid=apply-transfers]").HasAttribute("disabled"));
    }

    [Fact]
    public void WithTheLogin_NoLoginWarning_AndApplyIsOffered()
    {
        CreatePlan(14);

        var page = RenderLoaded();

        Assert.Empty(page.FindAll("[data-testid=warning-no-login]"));
        Assert.False(page.Find("[data-testid=apply-transfers]").HasAttribute("disabled"));
    }
}
