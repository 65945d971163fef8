using System.Reflection;
using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Web.Api;

public sealed record StorageHealth(string Kind, bool Ok, string? Error);

public sealed record AirsenalHealth(bool Found, string? Path, string? Version, string? Error);

public sealed record HealthReport(string Status, string Version, string Runtime, StorageHealth Storage, AirsenalHealth Airsenal, string? Failing);

public static class HealthEndpoints
{
    private static readonly string AppVersion =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static WebApplication MapHealthApi(this WebApplication app)
    {
        // No authentication: load balancers and the Docker HEALTHCHECK call it.
        app.MapGet(ApiExtensions.Prefix + "/health", GetHealthAsync).AllowAnonymous();
        return app;
    }

    internal static async Task<IResult> GetHealthAsync(IStorage storage, AirsenalCli cli, CancellationToken cancellationToken)
    {
        var storageHealth = await CheckStorageAsync(storage, cancellationToken);
        var info = await CheckCliAsync(cli);
        var report = new HealthReport(
            storageHealth.Ok ? "ok" : "unhealthy",
            AppVersion,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            storageHealth,
            new AirsenalHealth(info.Found, info.Path, info.Version, info.Error),
            storageHealth.Ok ? null : "storage");
        return TypedResults.Json(report, statusCode: storageHealth.Ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<StorageHealth> CheckStorageAsync(IStorage storage, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await storage.PingAsync(timeout.Token);
            return new StorageHealth(storage.Kind, true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new StorageHealth(storage.Kind, false, ex.GetType().Name + ": " + ex.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>The version probe runs once in the background; health never waits long for it.</summary>
    private static async Task<AirsenalCliInfo> CheckCliAsync(AirsenalCli cli)
    {
        var probe = cli.GetInfoAsync();
        // Once the probe has answered (every call after the first seconds) no 2-second timer per request.
        if (probe.IsCompleted || await Task.WhenAny(probe, Task.Delay(TimeSpan.FromSeconds(2))) == probe)
        {
            return await probe;
        }

        var path = cli.Resolve(AirsenalCli.ProbeExecutable);
        return new AirsenalCliInfo(path is not null, path, null, path is null ? "not found" : "version check still running");
    }
}
