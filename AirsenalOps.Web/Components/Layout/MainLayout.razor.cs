using AirsenalOps.Web.Components.Common;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace AirsenalOps.Web.Components.Layout;

public partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _drawerOpen = true;
    private bool _isDarkMode;
    private BrowserTimeZone _timeZone = BrowserTimeZone.Unknown;
    private bool _timeZoneRead;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    private ThemePreference Preference => new(JS);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        await ReadTimeZoneAsync();

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

    /// <summary>Once per circuit: the layout is the one component every page shares.</summary>
    private async Task ReadTimeZoneAsync()
    {
        try
        {
            _timeZone = BrowserTimeZone.FromId(await JS.InvokeAsync<string?>("airsenalOps.timeZone"));
        }
        catch (JSException)
        {
            // A browser without Intl keeps the UTC times, which say so.
        }

        _timeZoneRead = true;
        StateHasChanged();
    }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private async Task SetDarkModeAsync(bool dark)
    {
        _isDarkMode = dark;
        await Preference.SaveAsync(dark);
    }
}
