using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.Unit.Reports;
using AirsenalOps.Web.Components.Pages.Predictions;
using Bunit;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Predictions;

public sealed class PredictionsPageTests : CoreTestContext
{
    private void CreateSampleDatabase()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Core.AirsenalDbPath)!);
        AirsenalDbBuilder.Sample(Core.AirsenalDbPath);
    }

    [Fact]
    public void NoDatabase_SaysWhatToDo()
    {
        var page = Render<PredictionsPage>();

        page.WaitForAssertion(() => Assert.Contains("does not exist yet", page.Find("[data-testid=predictions-unavailable]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=predictions-table]"));
    }

    [Fact]
    public void LatestPrediction_ShowsTopPlayersPerPosition_AndTheFullTable()
    {
        CreateSampleDatabase();

        var page = Render<PredictionsPage>();

        page.WaitForAssertion(() => Assert.Contains("tag-new", page.Find("[data-testid=prediction-tag]").GetAttribute("title"), StringComparison.Ordinal), Patience);
        Assert.Contains("Prediction for GW12–14 · season 2025/26", page.Find("[data-testid=prediction-tag]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Haaland", page.Find("[data-testid=top-FWD]").TextContent, StringComparison.Ordinal);
        Assert.Contains("16", page.Find("[data-testid=top-FWD]").TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=predictions-table] tbody tr").Count), Patience);
        // Sorted by total, best first: Salah 8 + 6 + 5 = 19.
        Assert.Contains("M.Salah", page.FindAll("[data-testid=predictions-table] tbody tr")[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("GW13", page.Find("[data-testid=predictions-table] thead").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_NarrowTheTable()
    {
        CreateSampleDatabase();
        var page = Render<PredictionsPage>();
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=predictions-table] tbody tr").Count), Patience);

        var position = page.FindComponent<MudSelect<string>>();
        await page.InvokeAsync(() => position.Instance.ValueChanged.InvokeAsync("GK"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=predictions-table] tbody tr")), Patience);
        Assert.Contains("Raya", page.Find("[data-testid=predictions-table] tbody").TextContent, StringComparison.Ordinal);

        await page.InvokeAsync(() => position.Instance.ValueChanged.InvokeAsync(null));
        var price = page.FindComponent<MudNumericField<double?>>();
        await page.InvokeAsync(() => price.Instance.ValueChanged.InvokeAsync(6.0));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=predictions-table] tbody tr").Count), Patience);
    }
}
