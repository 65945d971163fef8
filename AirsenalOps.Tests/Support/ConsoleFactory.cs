using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AirsenalOps.Tests.Support;

/// <summary>
/// The whole console in-process on a throwaway DATA_DIR (embedded store unless a test sets MONGO_URL).
/// Settings are given as the same flat variables an operator would export.
/// </summary>
public class ConsoleFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _data = new();

    public ConsoleFactory(IReadOnlyDictionary<string, string?>? settings = null)
    {
        Settings = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = _data.Path,
            ["LOG_LEVEL"] = "WARNING",
            // AIrsenal's database copies stay inside the test's folder (the defaults are /data and /tmp).
            ["PERSISTENT_DB_PATH"] = System.IO.Path.Combine(_data.Path, "airsenal", "data.db"),
            ["LOCAL_DB_PATH"] = System.IO.Path.Combine(_data.Path, "airsenal-local.db"),
            // No internet here: FPL is a closed local port unless a test serves its stub there.
            ["FPL_API_BASE_URL"] = $"http://127.0.0.1:{Loopback.ClosedPort()}/api/",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            Settings[key] = value;
        }
    }

    public Dictionary<string, string?> Settings { get; }

    public string DataDir => _data.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _data.Dispose();
        }
    }
}
