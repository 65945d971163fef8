using AirsenalOps.Core.Reports;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.Unit.Reports;
using AirsenalOps.Web.Components.Pages.Predictions;
using Bunit;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Predictions;

public sealed class PredictionChartTests : CoreTestContext
{
    private IRenderedComponent<PredictionsPage> RenderWithSample()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Core.AirsenalDbPath)!);
        AirsenalDbBuilder.Sample(Core.AirsenalDbPath);
        var page = Render<PredictionsPage>();
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=predictions-table] tbody tr").Count), Patience);
        return page;
    }

    [Fact]
    public void NoPlayerPicked_ShowsNoChart_ButSaysHowToPick()
    {
        var page = RenderWithSample();

        Assert.NotEmpty(page.FindAll("[data-testid=chart-empty]"));
        Assert.Empty(page.FindComponents<MudChart<double>>());
    }

    [Fact]
    public void NoPredictions_ShowNoChart()
    {
        var page = Render<PredictionsPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=predictions-unavailable]"), Patience);
        Assert.Empty(page.FindAll("[data-testid=prediction-chart]"));
    }

    [Fact]
    public async Task ChartButtonInTheTable_DrawsThatPlayersPointsPerGameweek()
    {
        var page = RenderWithSample();

        // The table is sorted by total: Salah first.
        await page.InvokeAsync(() => page.FindAll("[data-testid=chart-add]")[0].Click());

        page.WaitForAssertion(() => Assert.Single(page.FindComponents<MudChart<double>>()), Patience);
        var chart = page.FindComponent<MudChart<double>>().Instance;
        Assert.Equal(["GW12", "GW13", "GW14"], chart.ChartLabels);
        Assert.Equal(["M.Salah"], chart.ChartSeries.Select(s => s.Name));
        var salah = page.FindComponent<PredictionChart>().Instance.Selected.Single();
        // GW13 is a double gameweek (6 + 5); GW14 has no fixture for him, so nothing is expected.
        Assert.Equal([8.0, 11.0, 0.0], PredictionChart.PointsSeries(salah, [12, 13, 14]));
        Assert.Contains("M.Salah (LIV)", page.Find("[data-testid=chart-player]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top5_DrawsTheBestPlayers_OnceEach_AndClearEmptiesTheChart()
    {
        var page = RenderWithSample();

        await page.InvokeAsync(() => page.Find("[data-testid=chart-add-top]").Click());
        await page.InvokeAsync(() => page.Find("[data-testid=chart-add-top]").Click());

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=chart-player]").Count), Patience);
        Assert.Equal(["M.Salah", "Haaland", "Raya", "William Saliba"], page.FindComponent<MudChart<double>>().Instance.ChartSeries.Select(s => s.Name));

        await page.InvokeAsync(() => page.Find("[data-testid=chart-clear]").Click());
        page.WaitForAssertion(() => page.Find("[data-testid=chart-empty]"), Patience);
        Assert.Empty(page.FindComponents<MudChart<double>>());
    }

    [Fact]
    public async Task MoreThanEightPlayers_AreRefused_WithAMessage()
    {
        var page = RenderWithSample();
        var chart = page.FindComponent<PredictionChart>();

        for (var id = 1; id <= PredictionChart.MaxPlayers + 1; id++)
        {
            var player = new PlayerPrediction(id, id, $"Player {id}", "ARS", "MID", 5.0, new Dictionary<int, double> { [12] = id }, id);
            await page.InvokeAsync(() => chart.Instance.AddAsync(player));
        }

        page.WaitForAssertion(() => Assert.Contains("At most 8", page.Find("[data-testid=chart-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal(PredictionChart.MaxPlayers, chart.Instance.Selected.Count);
    }
}
