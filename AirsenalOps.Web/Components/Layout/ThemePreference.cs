using Microsoft.JSInterop;

namespace AirsenalOps.Web.Components.Layout;

/// <summary>The dark/light choice, remembered per browser in localStorage.</summary>
public sealed class ThemePreference(IJSRuntime js)
{
    public const string StorageKey = "airsenalops.theme";

    /// <summary>True for dark, false for light, null when this browser never chose.</summary>
    public async Task<bool?> LoadAsync()
    {
        try
        {
            var value = await js.InvokeAsync<string?>("localStorage.getItem", StorageKey);
            return value switch
            {
                "dark" => true,
                "light" => false,
                _ => null,
            };
        }
        catch (JSException)
        {
            // Storage disabled (private mode, policy): the page still works, it just forgets.
            return null;
        }
    }

    public async Task SaveAsync(bool dark)
    {
        try
        {
            await js.InvokeVoidAsync("localStorage.setItem", StorageKey, dark ? "dark" : "light");
        }
        catch (JSException)
        {
            // As above: not remembering is not an error worth showing.
        }
    }
}
