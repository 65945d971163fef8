using System.Diagnostics;
using System.Reflection;

namespace AirsenalOps.Bench;

/// <summary>
/// The baseline for API throughput: a slim ASP.NET Core app on Kestrel whose one endpoint returns a tiny JSON,
/// no logging, no middleware. It runs as a child process (this program with <c>--bare-server</c>) so that it
/// stands where the console stands: a process of its own beside the load client.
/// </summary>
internal static class BareServer
{
    public const string Argument = "--bare-server";

    private sealed record Tiny(string Status);

    /// <summary>The child's side: serve until stdin closes (the parent went away) or the process is killed.</summary>
    public static async Task<int> ServeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/health", () => TypedResults.Json(new Tiny("ok")));
        await app.StartAsync();
        Console.WriteLine("READY " + app.Urls.First());
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    /// <summary>The parent's side: starts the child and returns it with its endpoint's address.</summary>
    public static async Task<(Process Process, Uri Url)> StartAsync()
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // Started as `dotnet AirsenalOps.Bench.dll`: the child needs the assembly too.
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        start.ArgumentList.Add(Argument);
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("READY ", StringComparison.Ordinal))
            {
                return (process, new Uri(new Uri(line["READY ".Length..].Trim()), "/health"));
            }
        }

        process.Kill();
        process.Dispose();
        throw new InvalidOperationException("The bare Kestrel server did not start.");
    }
}
