using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace AirsenalOps.Web.Components.Layout;

public partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _drawerOpen = true;
    private bool _isDarkMode;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    private ThemePreference Preference => new(JS);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        // The choice lives in the browser (localStorage), so it is read once the circuit can call JS;
        // a browser that never chose follows its system colour scheme.
        var saved = await Preference.LoadAsync();
        var dark = saved ?? (_themeProvider is not null && await _themeProvider.GetSystemDarkModeAsync());
        if (dark != _isDarkMode)
        {
            _isDarkMode = dark;
            StateHasChanged();
        }
    }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private async Task SetDarkModeAsync(bool dark)
    {
        _isDarkMode = dark;
        await Preference.SaveAsync(dark);
    }
}
