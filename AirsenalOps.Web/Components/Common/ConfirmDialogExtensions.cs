using MudBlazor;

namespace AirsenalOps.Web.Components.Common;

public static class ConfirmDialogExtensions
{
    /// <summary>Shows <see cref="ConfirmDialog"/>; true only when the user confirmed.</summary>
    public static async Task<bool> ConfirmAsync(
        this IDialogService dialogs,
        string title,
        string message,
        string confirmText,
        IReadOnlyList<string>? items = null,
        Color confirmColor = Color.Primary)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, title },
            { d => d.Message, message },
            { d => d.ConfirmText, confirmText },
            { d => d.Items, items ?? [] },
            { d => d.ConfirmColor, confirmColor },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
