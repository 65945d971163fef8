using MudBlazor;

namespace AirsenalOps.Web.Components.Layout;

/// <summary>One theme for the console; MudBlazor derives the dark variant's surfaces itself.</summary>
public static class ConsoleTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#37003c",
            Secondary = "#00a86b",
            AppbarBackground = "#37003c",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#b388ff",
            Secondary = "#00d68f",
            AppbarBackground = "#1e1e2d",
        },
        LayoutProperties = new LayoutProperties
        {
            DrawerWidthLeft = "220px",
        },
    };
}
