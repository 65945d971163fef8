using Bunit;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Support;

/// <summary>A bUnit context whose components reach the real Core services (see <see cref="CoreServices"/>).</summary>
public abstract class CoreTestContext : ConsoleTestContext, IAsyncLifetime
{
    private CoreServices? _core;

    protected CoreTestContext(bool signedIn = false, bool anonymous = false)
        : base(signedIn, anonymous)
    {
    }

    protected CoreServices Core => _core ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Settings for the Core services, as flat variables.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    /// <summary>Services of the test's own that replace or add to the Core ones (e.g. secrets, an FPL client).</summary>
    protected virtual void ConfigureCore(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        _core = await CoreServices.CreateAsync(Settings, ConfigureCore);
        Services.AddFallbackServiceProvider(_core.Services);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        // Components first (their feeds and subscriptions end), then the services they used.
        await DisposeAsync();
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }
    }

    /// <summary>The messages shown in snackbars so far.</summary>
    protected IEnumerable<string> Snackbars =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ISnackbar>(Services).ShownSnackbars.Select(s => s.Message ?? string.Empty);
}
