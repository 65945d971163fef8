using System.Diagnostics;
using System.Text.RegularExpressions;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration;

/// <summary>
/// The built console as a real process: a bad setting stops it with exit code 1 and one line on
/// stderr that names the variable, no stack trace; started from the build output in Production, it serves its
/// static assets or refuses to start.
/// </summary>
public sealed partial class StartupConfigTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("RATE_LIMIT_PER_MINUTE", "abc", "RATE_LIMIT_PER_MINUTE")]
    [InlineData("LOG_FORMAT", "xml", "LOG_FORMAT")]
    [InlineData("MONGO_URL", "mongodb://127.0.0.1:27017", "DB_NAME")]
    [InlineData("MAX_JOB_RETRIES", "-1", "MAX_JOB_RETRIES")]
    [InlineData("MONGO_URL", "postgres://db", "MONGO_URL")]
    [InlineData("TRUSTED_PROXIES", "10.0.0.0/8, proxy.local", "TRUSTED_PROXIES")]
    public async Task BadSetting_ExitsNonZero_WithOneLineNamingTheVariable(string name, string value, string named)
    {
        var (exitCode, stdout, stderr) = await RunConsoleAsync(new Dictionary<string, string> { [name] = value });

        Assert.NotEqual(0, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoodSettings_TheSameProcessStarts_AndAnswersHealth()
    {
        using var process = Process.Start(StartInfo(new Dictionary<string, string>())) ?? throw new InvalidOperationException("dotnet did not start.");
        try
        {
            _ = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(ExitTimeout);
            string? address = null;
            while (address is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                var at = line.IndexOf("http://127.0.0.1:", StringComparison.Ordinal);
                if (line.Contains("Now listening", StringComparison.Ordinal) && at >= 0)
                {
                    address = new string(line[at..].TakeWhile(c => c is not ('"' or ' ' or '\\')).ToArray());
                }
            }

            Assert.NotNull(address);
            _ = process.StandardOutput.ReadToEndAsync();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.True(File.Exists(_dir.File(Path.Combine("data", "airsenalops.db"))));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Settings of a production start (no development defaults for the keys).</summary>
    private static Dictionary<string, string> Production => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["JWT_SECRET"] = AuthTestData.JwtSecret,
        ["ENCRYPTION_KEY"] = AuthTestData.EncryptionKey,
    };

    [Fact]
    public async Task BuildOutput_StartedInProduction_ServesEveryAssetThePagesLink_WithItsBytes()
    {
        // Issue 13.10: `dotnet bin/Release/.../AirsenalOps.Web.dll` from another folder answered every asset 200 with 0 bytes.
        using var process = Process.Start(StartInfo(Production)) ?? throw new InvalidOperationException("dotnet did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var address = await ListeningAddressAsync(process);
            if (address is null)
            {
                // stderr ends only with the process: awaited here, where the process has ended, and never in a message built
                // up front (that wait never ended while the console ran, and hung the test).
                Assert.Fail("the console did not start: " + await stderr);
            }

            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
            var page = await client.GetStringAsync(new Uri("/login", UriKind.Relative));
            var assets = AssetLink().Matches(page).Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.Contains(assets, a => a.StartsWith("_framework/blazor.web", StringComparison.Ordinal));
            Assert.Contains(assets, a => a.StartsWith("_content/MudBlazor/", StringComparison.Ordinal));
            foreach (var asset in assets)
            {
                using var response = await client.GetAsync(new Uri("/" + asset, UriKind.Relative));
                var bytes = await response.Content.ReadAsByteArrayAsync();
                Assert.True(response.IsSuccessStatusCode && bytes.Length > 0, $"{asset}: {(int)response.StatusCode}, {bytes.Length} bytes");
            }

            // The console's own stylesheet is the project's file, byte for byte.
            var css = await client.GetByteArrayAsync(new Uri("/app.css", UriKind.Relative));
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Find(), "AirsenalOps.Web", "wwwroot", "app.css")), css);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task BuildWithoutItsAssets_InProduction_RefusesToStart_WithOneLineSayingToPublish()
    {
        // The build output copied elsewhere without the manifest that says where its assets are: nothing to serve.
        var copy = Directory.CreateDirectory(_dir.File("bin"));
        var built = Path.GetDirectoryName(WebAssemblyPath())!;
        foreach (var file in Directory.EnumerateFiles(built).Where(f => !f.EndsWith(".staticwebassets.runtime.json", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(copy.FullName, Path.GetFileName(file)));
        }

        var (exitCode, stdout, stderr) = await RunConsoleAsync(Production, Path.Combine(copy.FullName, "AirsenalOps.Web.dll"));

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("Configuration error: Static assets not found", line, StringComparison.Ordinal);
        Assert.Contains("dotnet publish", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    private static async Task<string?> ListeningAddressAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(ExitTimeout);
        string? address = null;
        while (address is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var at = line.IndexOf("http://127.0.0.1:", StringComparison.Ordinal);
            if (line.Contains("Now listening", StringComparison.Ordinal) && at >= 0)
            {
                address = new string(line[at..].TakeWhile(c => c is not ('"' or ' ' or '\\')).ToArray());
            }
        }

        if (address is not null)
        {
            _ = process.StandardOutput.ReadToEndAsync();
        }

        return address;
    }

    /// <summary>The local stylesheets and scripts a page links.</summary>
    [GeneratedRegex(@"(?:href|src)=""((?:_framework|_content|js|app|AirsenalOps|Components)[^""]*\.(?:css|js))""")]
    private static partial Regex AssetLink();

    /// <summary>Starts the console's build output with only the given settings (plus a temp DATA_DIR) and waits for it to exit.</summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> RunConsoleAsync(IReadOnlyDictionary<string, string> settings, string? assembly = null)
    {
        using var process = Process.Start(StartInfo(settings, assembly)) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ExitTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The console did not exit within {ExitTimeout.TotalSeconds} s. stderr: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> settings, string? assembly = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly ?? WebAssemblyPath());
        // The child must not inherit settings from the machine or from the test run.
        foreach (var inherited in new[] { "MONGO_URL", "DB_NAME", "RATE_LIMIT_PER_MINUTE", "RATE_LIMIT_ENABLED", "LOG_FORMAT", "LOG_LEVEL", "MAX_JOB_RETRIES", "JOB_RETRY_DELAY_SECONDS", "CORS_ORIGINS", "TRUSTED_PROXIES", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DATA_DIR"] = _dir.File("data");
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>
    /// AirsenalOps.Web.dll from the Web project's own build output, in the configuration the tests
    /// were built in (Release under ./test.sh, Debug in an IDE); the copy next to the tests otherwise.
    /// </summary>
    private static string WebAssemblyPath()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testDir.Name;
        var configuration = testDir.Parent?.Name ?? "Release";
        var root = RepositoryRoot.Find();
        var candidates = new[]
        {
            Path.Combine(root, "AirsenalOps.Web", "bin", configuration, framework, "AirsenalOps.Web.dll"),
            Path.Combine(testDir.FullName, "AirsenalOps.Web.dll"),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("AirsenalOps.Web.dll is not built; looked at " + string.Join(", ", candidates));
    }

    public void Dispose() => _dir.Dispose();
}
