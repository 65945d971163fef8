using System.Diagnostics;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration;

/// <summary>
/// The built console as a real process: a bad setting stops it with exit code 1 and one line on
/// stderr that names the variable, no stack trace.
/// </summary>
public sealed class StartupConfigTests : IDisposable
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

    /// <summary>Starts the console's build output with only the given settings (plus a temp DATA_DIR) and waits for it to exit.</summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> RunConsoleAsync(IReadOnlyDictionary<string, string> settings)
    {
        using var process = Process.Start(StartInfo(settings)) ?? throw new InvalidOperationException("dotnet did not start.");
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

    private ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WebAssemblyPath());
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
