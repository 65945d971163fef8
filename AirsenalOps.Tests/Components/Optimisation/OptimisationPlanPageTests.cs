using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.Unit.Airsenal;
using AirsenalOps.Web.Components.Pages.Optimisation;
using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Components.Optimisation;

/// <summary>The optimisation page shows the whole plan of the real run: its printout, priced from its database rows.</summary>
public sealed class OptimisationPlanPageTests : CoreTestContext
{
    protected override void ConfigureCore(IServiceCollection services) => OptimisationPageTests.AddOfflineTeam(services);

    private async Task AddRealRunAsync(string[]? stdout = null, DateTimeOffset? started = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Core.AirsenalDbPath)!);
        File.Copy(RealPlans.DatabaseFixture, Core.AirsenalDbPath, overwrite: true);
        var start = started ?? RealPlans.SuggestionTime.AddMinutes(-3);
        await Core.AddJobAsync(RealPlans.JobRecord(stdout ?? RealOutput.Lines("run_optimization.stdout.txt"), start, start.AddMinutes(3).AddSeconds(2)));
    }

    private IRenderedComponent<OptimisationPage> RenderWithRows(int rows)
    {
        var page = Render<OptimisationPage>();
        page.WaitForAssertion(() => Assert.Equal(rows, page.FindAll("[data-testid=suggestion-gameweek]").Count), Patience);
        return page;
    }

    private static IElement Row(IRenderedComponent<OptimisationPage> page, int gameweek) =>
        page.FindAll("[data-testid=suggestion-gameweek]").Single(r => r.GetAttribute("data-gameweek") == gameweek.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task RealRun_ShowsEveryGameweek_WithPricedTransfers_HitBankAndPredictedScore()
    {
        await AddRealRunAsync();

        var page = RenderWithRows(3);

        var first = Row(page, 21);
        Assert.Equal("Foden (LEE, £8.0m)", first.QuerySelector("[data-testid=transfer-out]")!.TextContent);
        Assert.Equal("O.Dango (BHA, £5.6m)", first.QuerySelector("[data-testid=transfer-in]")!.TextContent);
        Assert.Equal(["Chip –", "Hit 0 pts", "Bank £5.4m", "Predicted 53.7 pts"],
            new[] { "chip", "hit", "bank", "score" }.Select(f => first.QuerySelector($"[data-testid=gameweek-{f}]")!.TextContent));
        var second = Row(page, 22);
        Assert.Equal(["Wieffer (CHE, £4.8m)", "Woltemade (MCI, £6.7m)"], second.QuerySelectorAll("[data-testid=transfer-out]").Select(e => e.TextContent));
        Assert.Equal(["Wilson (FUL, £5.8m)", "Calvert-Lewin (HUL, £5.8m)"], second.QuerySelectorAll("[data-testid=transfer-in]").Select(e => e.TextContent));
        Assert.Equal(("Bank £5.3m", "Predicted 73.7 pts"), (second.QuerySelector("[data-testid=gameweek-bank]")!.TextContent, second.QuerySelector("[data-testid=gameweek-score]")!.TextContent));
        var third = Row(page, 23);
        Assert.Equal("Trossard (ARS, £6.6m)", third.QuerySelector("[data-testid=transfer-out]")!.TextContent);
        Assert.Equal("Predicted 88.5 pts", third.QuerySelector("[data-testid=gameweek-score]")!.TextContent);
        Assert.Equal("177.8", page.Find("[data-testid=plan-baseline]").TextContent);
        Assert.Equal("199.5", page.Find("[data-testid=plan-strategy]").TextContent);
        Assert.Equal("21.7", page.Find("[data-testid=points-gain]").TextContent);
        Assert.Equal("Thiago", page.Find("[data-testid=plan-captain]").TextContent);
        Assert.Equal("O.Dango", page.Find("[data-testid=plan-vice-captain]").TextContent);
        Assert.Contains("From optimize finished", page.Find("[data-testid=plan-source]").TextContent, StringComparison.Ordinal);
        Assert.Single(page.FindAll("[data-testid=apply-transfers]"));
        // The lineup on the pitch is the same run's.
        page.WaitForAssertion(() => Assert.Equal(15, page.FindAll("[data-testid=pitch-player]").Count), Patience);
    }

    [Fact]
    public async Task ChipWeekWithoutTransfers_HasItsOwnRow()
    {
        await AddRealRunAsync(RealPlans.WithTripleCaptainInGameweek22());
        RealPlans.Execute(Core.AirsenalDbPath, "DELETE FROM transfer_suggestion WHERE gameweek = 22");

        var page = RenderWithRows(3);

        var chipWeek = Row(page, 22);
        Assert.Equal("Chip triple_captain", chipWeek.QuerySelector("[data-testid=gameweek-chip]")!.TextContent);
        Assert.Equal("No transfers", chipWeek.QuerySelector("[data-testid=gameweek-no-transfers]")!.TextContent);
        Assert.Equal("Predicted 81.2 pts", chipWeek.QuerySelector("[data-testid=gameweek-score]")!.TextContent);
        Assert.Empty(chipWeek.QuerySelectorAll("[data-testid=gameweek-transfer]"));
        Assert.Single(Row(page, 21).QuerySelectorAll("[data-testid=gameweek-transfer]"));
    }

    [Fact]
    public async Task NewerRunWithoutTransfers_OffersNoApply_OfTheOlderStoredTransfers()
    {
        var none = RealOutput.Lines("run_optimization.stdout.txt")
            .Select(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.Contains("Players", StringComparison.Ordinal) ? "| None | None |" : l).ToArray();
        await AddRealRunAsync(none, RealPlans.SuggestionTime.AddDays(1));

        var page = RenderWithRows(3);

        Assert.Equal(3, page.FindAll("[data-testid=gameweek-no-transfers]").Count);
        Assert.Contains("not this plan's", page.Find("[data-testid=apply-stale]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=apply-transfers]"));
    }
}
