using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace AirsenalOps.Bench;

/// <summary>
/// The built console (AirsenalOps.Web.dll from the Web project's own output, same configuration as the bench)
/// as a child process, in Production on a free loopback port, its stdout/stderr going to a file in the data
/// folder, as a container runtime would collect them.
/// </summary>
internal sealed class ConsoleProcess : IDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _sinceStart;

    private ConsoleProcess(Process process, Uri address, Stopwatch sinceStart)
    {
        _process = process;
        Address = address;
        _sinceStart = sinceStart;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public static ConsoleProcess Start(string dataDir, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = WebAssemblyPath();
        var port = Machine.FreePort();
        var start = new ProcessStartInfo("sh") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardInput = true };
        // exec: the child's pid is the console's, so its RSS is read directly.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec dotnet \"$0\" > \"$1\" 2>&1");
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(Path.Combine(dataDir, "console.log"));
        // Nothing from the bench's own environment may change the console's settings.
        foreach (var name in new[] { "MONGO_URL", "DB_NAME", "RATE_LIMIT_PER_MINUTE", "RATE_LIMIT_ENABLED", "LOG_FORMAT", "LOG_LEVEL", "CORS_ORIGINS", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_ENVIRONMENT" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        start.Environment["DATA_DIR"] = dataDir;
        start.Environment["JWT_SECRET"] = "bench-secret-bench-secret-bench-secret-0123456789";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        return new ConsoleProcess(process, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")), clock);
    }

    /// <summary>Polls /api/health until it answers 200; the time since the process started, or null.</summary>
    public async Task<TimeSpan?> WaitHealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        while (_sinceStart.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return _sinceStart.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but slow to answer.
            }

            await Task.Delay(10);
        }

        return null;
    }

    public long Rss() => Machine.Rss(_process.Id);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static string WebAssemblyPath()
    {
        var configuration = typeof(ConsoleProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var benchDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(Machine.RepositoryRoot(), "AirsenalOps.Web", "bin", configuration, benchDir.Name, "AirsenalOps.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The console is not built: {dll} is missing.");
    }
}
