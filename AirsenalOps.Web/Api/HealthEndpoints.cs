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

    public static WebApplicationBuilder AddHealthApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StorageProbe>();
        return builder;
    }

    public static WebApplication MapHealthApi(this WebApplication app)
    {
        // No authentication: load balancers and the Docker HEALTHCHECK call it.
        app.MapGet(ApiExtensions.Prefix + "/health", GetHealthAsync).AllowAnonymous();
        return app;
    }

    internal static async Task<IResult> GetHealthAsync(StorageProbe probe, AirsenalCli cli, CancellationToken cancellationToken)
    {
        var storageHealth = await probe.CheckAsync(cancellationToken);
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

/// <summary>
/// The storage half of /api/health. Docker, load balancers and monitors poll health many times a second:
/// a healthy answer is reused for a second so polling costs no storage round trip; a failing one is never
/// reused, so recovery shows at once.
/// </summary>
public sealed class StorageProbe(IStorage storage, TimeProvider time)
{
    internal static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    private long _healthyAt = -1;

    public async Task<StorageHealth> CheckAsync(CancellationToken cancellationToken)
    {
        var last = Interlocked.Read(ref _healthyAt);
        if (last >= 0 && time.GetElapsedTime(last) < Fresh)
        {
            return new StorageHealth(storage.Kind, true, null);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await storage.PingAsync(timeout.Token);
            Interlocked.Exchange(ref _healthyAt, time.GetTimestamp());
            return new StorageHealth(storage.Kind, true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _healthyAt, -1);
            return new StorageHealth(storage.Kind, false, ex.GetType().Name + ": " + ex.Message.ReplaceLineEndings(" "));
        }
    }
}
