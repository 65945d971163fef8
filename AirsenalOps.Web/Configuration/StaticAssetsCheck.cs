using AirsenalOps.Core;

namespace AirsenalOps.Web.Configuration;

/// <summary>
/// The pages need their static assets (Blazor's script, MudBlazor, the console's CSS). Outside Development the
/// framework looks for them only in the web root: started from the build output (which has no wwwroot) or from
/// another folder than the published one, every asset answered 200 with 0 bytes and no page became interactive
/// while health said ok. The build output's manifest says where its assets are, so they are served from there;
/// anything else stops the start with one line.
/// </summary>
public static class StaticAssetsCheck
{
    public static WebApplicationBuilder CheckStaticAssets(this WebApplicationBuilder builder)
    {
        var environment = builder.Environment;
        // Development reads the build's manifest by itself.
        if (environment.IsDevelopment() || HasWebRoot(environment.WebRootPath))
        {
            return builder;
        }

        var runtimeManifest = Path.Combine(AppContext.BaseDirectory, environment.ApplicationName + ".staticwebassets.runtime.json");
        if (File.Exists(runtimeManifest))
        {
            // `dotnet build` output: the manifest points at the project's wwwroot and the packages' assets.
            builder.WebHost.UseStaticWebAssets();
            return builder;
        }

        throw new ConfigurationException(
            $"Static assets not found: {environment.WebRootPath ?? Path.Combine(environment.ContentRootPath, "wwwroot")} does not exist. " +
            "Run the console from the `dotnet publish` output, started in its folder (or set ASPNETCORE_CONTENTROOT to that folder).");
    }

    private static bool HasWebRoot(string? webRoot) =>
        !string.IsNullOrEmpty(webRoot) && Directory.Exists(webRoot) && Directory.EnumerateFileSystemEntries(webRoot).Any();
}
