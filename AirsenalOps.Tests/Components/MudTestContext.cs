using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AirsenalOps.Tests.Components;

/// <summary>
/// The shared bUnit base for MudBlazor components: MudBlazor's services, JS interop in loose mode (MudBlazor
/// calls JS that a test has no browser for), and an antiforgery token source for components with forms.
/// </summary>
public abstract class MudTestContext : BunitContext
{
    public const string AntiforgeryTokenValue = "test-antiforgery-token";

    protected MudTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgeryState());
    }

    /// <summary>
    /// xunit 2 disposes test classes synchronously, but some MudBlazor services (KeyInterceptorService) are
    /// only IAsyncDisposable: dispose the container the async way.
    /// </summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
            return;
        }

        base.Dispose(disposing);
    }

    private sealed class FixedAntiforgeryState : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken GetAntiforgeryToken() => new(AntiforgeryTokenValue, "__RequestVerificationToken");
    }
}
