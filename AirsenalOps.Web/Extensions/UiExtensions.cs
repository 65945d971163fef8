using AirsenalOps.Web.Api;
using AirsenalOps.Web.Components;
using AirsenalOps.Web.Configuration;
using MudBlazor.Services;

namespace AirsenalOps.Web.Extensions;

public static class UiExtensions
{
    /// <summary>Blazor Server with MudBlazor: the console's pages run on the circuit and call Core in-process.</summary>
    public static WebApplicationBuilder AddUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<EffectiveConfiguration>();
        return builder;
    }

    /// <summary>
    /// Error pages for browser routes. Registered before <see cref="ApiExtensions.UseApiErrors"/> so it
    /// wraps it: API responses already carry a JSON body and are left alone, which keeps an API 401
    /// from being re-executed into an antiforgery 400.
    /// </summary>
    public static WebApplication UseUi(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/Error",
                CreateScopeForErrors = true,
                // A client's malformed request (bad form post, body cut short) stays a 4xx, not a 500.
                StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            });
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
