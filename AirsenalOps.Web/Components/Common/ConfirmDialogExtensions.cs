using MudBlazor;

namespace AirsenalOps.Web.Components.Common;

public static class ConfirmDialogExtensions
{
    /// <summary>Escape answers "no", as the dismiss button does.</summary>
    internal static DialogOptions Options { get; } = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };

    /// <summary>Shows <see cref="ConfirmDialog"/>; true only when the user confirmed.</summary>
    public static async Task<bool> ConfirmAsync(
        this IDialogService dialogs,
        string title,
        string message,
        string confirmText,
        IReadOnlyList<string>? items = null,
        Color confirmColor = Color.Primary,
        string dismissText = "Cancel")
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, title },
            { d => d.Message, message },
            { d => d.ConfirmText, confirmText },
            { d => d.Items, items ?? [] },
            { d => d.ConfirmColor, confirmColor },
            { d => d.DismissText, dismissText },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters, Options);
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
