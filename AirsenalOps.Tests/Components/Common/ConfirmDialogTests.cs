using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Common;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Common;

public sealed class ConfirmDialogTests : ConsoleTestContext
{
    [Fact]
    public async Task Confirm_ListsExactlyTheItems_AndAnswersTrue()
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        Task<bool>? answer = null;
        await provider.InvokeAsync(() => { answer = dialogs.ConfirmAsync(
            "Apply transfers", "These transfers will be made:", "Apply", ["Salah → Palmer", "Saka → Mbeumo"], Color.Warning); });

        provider.WaitForAssertion(() => Assert.Equal(2, provider.FindAll("[data-testid=confirm-items] .mud-list-item").Count), Patience);
        Assert.Contains("Salah → Palmer", provider.Find("[data-testid=confirm-items]").TextContent, StringComparison.Ordinal);
        provider.Find("[data-testid=confirm-ok]").Click();

        Assert.True(await answer!.WaitAsync(Patience));
    }

    [Fact]
    public async Task Cancel_AnswersFalse()
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        Task<bool>? answer = null;
        await provider.InvokeAsync(() => { answer = dialogs.ConfirmAsync("Cancel job", "Stop it?", "Stop"); });

        provider.WaitForAssertion(() => provider.Find("[data-testid=confirm-cancel]").Click(), Patience);

        Assert.False(await answer!.WaitAsync(Patience));
        Assert.Empty(provider.FindAll("[data-testid=confirm-items]"));
    }

    [Fact]
    public async Task DismissButton_SaysWhatItWasGiven_AndStillAnswersFalse()
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        Task<bool>? answer = null;
        await provider.InvokeAsync(() => { answer = dialogs.ConfirmAsync("Cancel job", "Stop it?", "Cancel job", dismissText: "Keep running"); });

        provider.WaitForAssertion(() => Assert.Equal("Keep running", provider.Find("[data-testid=confirm-cancel]").TextContent.Trim()), Patience);
        provider.Find("[data-testid=confirm-cancel]").Click();

        Assert.False(await answer!.WaitAsync(Patience));
    }

    [Fact]
    public void ConfirmDialogs_CloseOnEscape() => Assert.True(ConfirmDialogExtensions.Options.CloseOnEscapeKey);
}
