using System.Reflection;
using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Auth;
using AirsenalOps.Web.Configuration;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AirsenalOps.Web.Api;

public sealed record StorageHealth(string Kind, bool Ok, string? Error);

public sealed record AirsenalHealth(bool Found, string? Path, string? Version, string? Error, PythonHealth Python);

/// <summary>The interpreter of the airsenal_* executables; <c>supported</c> is null while it is being asked.</summary>
public sealed record PythonHealth(string? Path, string? Version, bool? Supported, string SupportedRange, string? Error);

/// <summary>
/// Our health answer. <c>python_version</c> and <c>python_version_valid</c> are the peer console's two fields, which
/// its React app's Setup page reads (a red banner when not valid): here they describe the Python AIrsenal runs on.
/// </summary>
public sealed record HealthReport(
    string Status,
    string Version,
    string Runtime,
    StorageHealth Storage,
    AirsenalHealth Airsenal,
    string? Failing,
    string? PythonVersion,
    bool? PythonVersionValid);

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
        // No authentication: load balancers and the Docker HEALTHCHECK call it, several times a second. It answers
        // right after routing: the middleware between (request log, HTTP metrics, authentication, audit, error pages)
        // cost a poll a third of its rate and has nothing to do for it. What it would lose is kept here: CORS for a
        // browser dashboard, the API's body limit, and a log line when storage fails or recovers (StorageProbe)
        // instead of one per poll.
        app.MapGet(ApiExtensions.Prefix + "/health", GetHealthAsync).AllowAnonymous().ShortCircuit();
        return app;
    }

    internal static async Task<IResult> GetHealthAsync(StorageProbe probe, AirsenalCli cli, AirsenalPython python, IOptions<ApiOptions> api, HttpContext http, CancellationToken cancellationToken)
    {
        await ApplyCorsAsync(http);
        if (ApiExtensions.OversizedBody(http, api.Value.MaxBodyBytes) is { } refusal)
        {
            return refusal;
        }

        var storageHealth = await probe.CheckAsync(cancellationToken);
        var info = CheckCli(cli);
        var py = python.Current;
        var report = new HealthReport(
            storageHealth.Ok ? "ok" : "unhealthy",
            AppVersion,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            storageHealth,
            new AirsenalHealth(info.Found, info.Path, info.Version, info.Error, new PythonHealth(py.Path, py.Version, py.Supported, AirsenalPython.SupportedRange, py.Error)),
            storageHealth.Ok ? null : "storage",
            py.Version,
            py.Supported);
        return TypedResults.Json(report, statusCode: storageHealth.Ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The API's CORS policy, as the CORS middleware (which a short-circuited endpoint skips) would apply it.</summary>
    private static async Task ApplyCorsAsync(HttpContext http)
    {
        if (!http.Request.Headers.ContainsKey(HeaderNames.Origin))
        {
            return;
        }

        var services = http.RequestServices;
        var policy = await services.GetRequiredService<ICorsPolicyProvider>().GetPolicyAsync(http, RateLimitingExtensions.CorsPolicy);
        if (policy is not null)
        {
            var cors = services.GetRequiredService<ICorsService>();
            cors.ApplyResult(cors.EvaluatePolicy(http, policy), http.Response);
        }
    }

    /// <summary>
    /// The version probe runs once in the background (started at start-up); health never waits for a process, so
    /// until it has answered the path is reported with "version check still running".
    /// </summary>
    private static AirsenalCliInfo CheckCli(AirsenalCli cli)
    {
        var probe = cli.GetInfoAsync();
        if (probe.IsCompletedSuccessfully)
        {
            return probe.Result;
        }

        var path = cli.Resolve(AirsenalCli.ProbeExecutable);
        return new AirsenalCliInfo(path is not null, path, null, path is null ? "not found" : "version check still running");
    }
}

/// <summary>
/// The storage half of /api/health. Docker, load balancers and monitors poll health many times a second:
/// a healthy answer is reused for a second so polling costs no storage round trip; a failing one is never
/// reused, so recovery shows at once. A change of state is logged once (health requests themselves are not).
/// A read answers on a full disk too, so a write is probed as well (<see cref="IStorage.ProbeWriteAsync"/>):
/// at most every <see cref="WriteEvery"/>, its answer reused in between, so health stays a read.
/// </summary>
public sealed partial class StorageProbe(IStorage storage, TimeProvider time, ILogger<StorageProbe> logger)
{
    internal static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    internal static readonly TimeSpan WriteEvery = TimeSpan.FromSeconds(5);

    /// <summary>1 while a write probe runs: concurrent polls reuse the last answer instead of writing too.</summary>
    private int _writing;

    private long _healthyAt = -1;

    private long _writeProbedAt = -1;

    /// <summary>The last write probe's failure, null when it wrote.</summary>
    private volatile string? _writeError;

    /// <summary>The last write probe failed for want of disk space.</summary>
    private volatile bool _diskFull;

    /// <summary>
    /// True when the disk under the store has no room (the write probe, at most every <see cref="WriteEvery"/>). SQLite
    /// may still fit a row into its WAL, but a job on a full disk can store neither its log nor AIrsenal's database.
    /// </summary>
    public async Task<bool> IsDiskFullAsync(CancellationToken cancellationToken)
    {
        await ProbeWriteAsync(cancellationToken);
        return _diskFull;
    }

    /// <summary>0 before the first check, then 1 (healthy) or 2 (failing): a change is logged once.</summary>
    private int _state;

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
            if (await ProbeWriteAsync(timeout.Token) is { } writeError)
            {
                throw new IOException(writeError);
            }

            Interlocked.Exchange(ref _healthyAt, time.GetTimestamp());
            if (Interlocked.Exchange(ref _state, 1) == 2)
            {
                LogRecovered(storage.Kind);
            }

            return new StorageHealth(storage.Kind, true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _healthyAt, -1);
            var error = ex is IOException && ex.Message == _writeError ? ex.Message : ex.GetType().Name + ": " + ex.Message.ReplaceLineEndings(" ");
            if (Interlocked.Exchange(ref _state, 2) != 2)
            {
                LogFailing(storage.Kind, error);
            }

            return new StorageHealth(storage.Kind, false, error);
        }
    }

    /// <summary>The write probe's failure (null: it wrote), asked again only when the last answer is older than <see cref="WriteEvery"/>.</summary>
    private async Task<string?> ProbeWriteAsync(CancellationToken cancellationToken)
    {
        var last = Interlocked.Read(ref _writeProbedAt);
        if (last >= 0 && time.GetElapsedTime(last) < WriteEvery)
        {
            return _writeError;
        }

        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            return _writeError;
        }

        try
        {
            await storage.ProbeWriteAsync(cancellationToken);
            _writeError = null;
            _diskFull = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _diskFull = StorageFailures.IsDiskFull(ex);
            _writeError = "Writing failed: " + ex.GetType().Name + ": " + ex.Message.ReplaceLineEndings(" ");
        }
        finally
        {
            Interlocked.Exchange(ref _writeProbedAt, time.GetTimestamp());
            Interlocked.Exchange(ref _writing, 0);
        }

        return _writeError;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Health: storage ({Kind}) is failing: {Error}")]
    private partial void LogFailing(string kind, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health: storage ({Kind}) answers again")]
    private partial void LogRecovered(string kind);
}
