using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AirsenalOps.Tests.Integration.Team;

/// <summary>
/// A tiny FPL API on 127.0.0.1 (port 0) serving the committed JSON fixtures (Fixtures/fpl) at FPL's paths,
/// with knobs for failures: a number of 503/429 answers before success, or a permanent status.
/// </summary>
internal sealed class FplStubServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FplStubServer(WebApplication app) => _app = app;

    public ConcurrentDictionary<string, int> Hits { get; } = new();

    /// <summary>Answer this many requests with <see cref="TransientStatus"/> before serving normally.</summary>
    public int TransientFailures { get; set; }

    public int TransientStatus { get; set; } = StatusCodes.Status503ServiceUnavailable;

    /// <summary>When set, every request gets this status.</summary>
    public int? PermanentStatus { get; set; }

    /// <summary>When set, bootstrap-static answers this body (e.g. a captcha page).</summary>
    public string? BootstrapOverride { get; set; }

    public string BaseUrl { get; private set; } = "";

    public int Count(string path) => Hits.GetValueOrDefault(path);

    public static async Task<FplStubServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new FplStubServer(app);
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            stub.Hits.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (stub.PermanentStatus is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }

            if (stub.TransientFailures > 0)
            {
                stub.TransientFailures--;
                context.Response.StatusCode = stub.TransientStatus;
                return;
            }

            await next(context);
        });
        app.MapGet("/api/bootstrap-static/", () => stub.BootstrapOverride is { } body
            ? Results.Text(body, "text/html")
            : Fixture("bootstrap-static.json"));
        app.MapGet("/api/entry/{id:int}/", (int id) => id == 742663 ? Fixture("entry.json") : Results.NotFound(new { detail = "Not found." }));
        app.MapGet("/api/entry/{id:int}/history/", (int id) => id == 742663 ? Fixture("history.json") : Results.NotFound(new { detail = "Not found." }));
        app.MapGet("/api/entry/{id:int}/event/{gw:int}/picks/", (int id, int gw) =>
            id == 742663 && gw == 12 ? Fixture("picks-12.json") : Results.NotFound(new { detail = "Not found." }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub.BaseUrl = address.TrimEnd('/') + "/api/";
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Fixture(string name) =>
        Results.Text(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "fpl", name)), "application/json");
}
