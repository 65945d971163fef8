using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Pages.Jobs;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Jobs;

public sealed class NewJobDialogTests : CoreTestContext
{
    private async Task<(IRenderedComponent<MudDialogProvider> Provider, Task<JobRecord?> Result)> OpenAsync(string? command)
    {
        var provider = Render<MudDialogProvider>();
        Task<JobRecord?>? result = null;
        await provider.InvokeAsync(() => { result = NewJobDialog.ShowAsync(Services.GetRequiredService<IDialogService>(), command); });
        provider.WaitForAssertion(() => provider.Find("[data-testid=new-job-start]"), Patience);
        return (provider, result!);
    }

    [Fact]
    public async Task Form_HasAFieldPerCatalogueParameter_WithDefaultsAndHelp()
    {
        var (provider, _) = await OpenAsync("optimize");

        var fields = provider.FindAll("[data-testid^=param-]").Select(f => f.GetAttribute("data-testid")![6..]).Distinct().ToList();
        Assert.Equal(Core.Jobs.Catalogue.Find("optimize")!.Parameters.Select(p => p.Name), fields);
        Assert.Contains("wildcard_week", fields);
        Assert.Equal("3", provider.Find("input[data-testid=param-weeks_ahead]").GetAttribute("value"));
        Assert.Contains("-1 never, 0 any week", provider.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_QueuesTheJobWithTheFormValues()
    {
        var (provider, result) = await OpenAsync("predict");

        provider.Find("input[data-testid=param-weeks_ahead]").Change("5");
        provider.Find("[data-testid=new-job-start]").Click();

        var job = await result.WaitAsync(Patience);
        Assert.NotNull(job);
        var stored = await Core.Jobs.GetAsync(job.Id, CancellationToken.None);
        Assert.Equal("predict", stored!.Command);
        Assert.Equal(5, stored.Parameters["weeks_ahead"]!.GetValue<long>());
        Assert.Contains("predict queued.", Snackbars);
    }

    [Fact]
    public async Task ValueOutsideTheRange_IsBroughtIntoIt_BeforeQueueing()
    {
        var (provider, result) = await OpenAsync("predict");

        provider.Find("input[data-testid=param-weeks_ahead]").Change("99");
        provider.Find("[data-testid=new-job-start]").Click();

        var job = await result.WaitAsync(Patience);
        Assert.Equal(38, job!.Parameters["weeks_ahead"]!.GetValue<long>());
    }

    [Fact]
    public async Task Cancel_QueuesNothing()
    {
        var (provider, result) = await OpenAsync(null);

        provider.FindAll(".mud-dialog-actions button")[0].Click();

        Assert.Null(await result.WaitAsync(Patience));
        Assert.Equal(0, await Core.Jobs.CountAsync(new JobFilter(), CancellationToken.None));
    }
}
