using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;

namespace AirsenalOps.Tests.Components.Support;

/// <summary>
/// A bUnit context the console's components can render in: MudBlazor's services, loose JS interop
/// (MudBlazor calls JS that a test does not care about) and an interactive renderer, as on the circuit.
/// </summary>
public abstract class MudTestContext : BunitContext, IAsyncLifetime
{
    protected MudTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// MudBlazor registers services that only dispose asynchronously; xunit calls this before
    /// <see cref="IDisposable.Dispose"/>, which then finds everything already disposed.
    /// </summary>
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Long enough for a loaded CI machine; a real failure still fails.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
}
