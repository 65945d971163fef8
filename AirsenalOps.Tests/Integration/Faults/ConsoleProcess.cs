using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.Faults;

/// <summary>
/// The built console as a child process of the test, so a test can kill it with SIGKILL and start it again on
/// the same data: embedded store in <c>DATA_DIR</c>, AIrsenal's database and home in the same folder, and the
/// fake AIrsenal scripts of Fixtures/airsenal-output/bin as its CLI. Talks to it over its JSON API only.
/// </summary>
internal sealed class ConsoleProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly Process _process;
    private readonly Queue<string> _output;

    private ConsoleProcess(Process process, Uri address, IEnumerable<string> startOutput)
    {
        _process = process;
        // The lines up to "Now listening" too: what the console says at start (warnings) is in RecentOutput.
        _output = new Queue<string>(startOutput.TakeLast(200));
        Address = address;
        var token = AuthTestData.PeerToken(AuthTestData.JwtSecret, AuthTestData.AdminEmail, DateTimeOffset.UtcNow.AddDays(1));
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri Address { get; }

    /// <summary>Sends the admin's bearer token.</summary>
    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The settings a console of these tests runs with, on the data under <paramref name="root"/>.</summary>
    public static Dictionary<string, string> Settings(string root, int maxRetries) => new()
    {
        ["DATA_DIR"] = Path.Combine(root, "data"),
        ["PERSISTENT_DB_PATH"] = Path.Combine(root, "airsenal", "data.db"),
        ["LOCAL_DB_PATH"] = Path.Combine(root, "airsenal-local.db"),
        ["AIRSENAL_HOME"] = Path.Combine(root, "home"),
        ["AIRSENAL_BIN_DIR"] = AirsenalBin,
        ["APP_ADMIN_EMAIL"] = AuthTestData.AdminEmail,
        ["APP_ADMIN_PASSWORD_HASH"] = AuthTestData.AdminHash,
        ["JWT_SECRET"] = AuthTestData.JwtSecret,
        ["ENCRYPTION_KEY"] = AuthTestData.EncryptionKey,
        ["RATE_LIMIT_ENABLED"] = "false",
        ["MAX_JOB_RETRIES"] = maxRetries.ToString(CultureInfo.InvariantCulture),
        ["JOB_RETRY_DELAY_SECONDS"] = "1",
        ["JOB_CANCEL_GRACE_SECONDS"] = "1",
        ["DB_BACKUPS"] = "2",
    };

    /// <summary>Fixtures/airsenal-output/bin next to the tests, with its executable bits restored.</summary>
    public static string AirsenalBin { get; } = PrepareBin();

    /// <summary>
    /// Starts the console (through <paramref name="wrapper"/>, a command that ends by exec-ing its
    /// arguments, when given) and waits until it listens.
    /// </summary>
    public static async Task<ConsoleProcess> StartAsync(IReadOnlyDictionary<string, string> settings, IReadOnlyList<string>? wrapper = null)
    {
        var start = new ProcessStartInfo(wrapper is { Count: > 0 } ? wrapper[0] : "dotnet")
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in wrapper?.Skip(1) ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        if (wrapper is { Count: > 0 })
        {
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(WebAssemblyPath());
        // The child must not inherit settings from the machine or from the test run.
        foreach (var inherited in new[] { "MONGO_URL", "DB_NAME", "RATE_LIMIT_PER_MINUTE", "LOG_FORMAT", "LOG_LEVEL", "CORS_ORIGINS", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "JOB_CONCURRENCY", ProcessGroup.MarkerVariable })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = new Queue<string>();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.Enqueue(line);
                var at = line.IndexOf("http://127.0.0.1:", StringComparison.Ordinal);
                if (line.Contains("Now listening", StringComparison.Ordinal) && at >= 0)
                {
                    var address = new Uri(new string(line[at..].TakeWhile(c => c is not ('"' or ' ' or '\\')).ToArray()));
                    var console = new ConsoleProcess(process, address, output);
                    _ = console.DrainAsync();
                    _ = stderr;
                    return console;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below.
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        throw new InvalidOperationException($"The console did not start within {StartTimeout.TotalSeconds} s. stdout: {string.Join('\n', output)} stderr: {await stderr}");
    }

    /// <summary>kill -9: the console gets no chance to stop anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the host's orderly shutdown.</summary>
    public async Task StopAsync()
    {
        ProcessGroup.SignalProcess(_process.Id, ProcessGroup.SigTerm);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async Task SetSecretAsync(string key, string value)
    {
        var response = await Client.PostAsJsonAsync(new Uri("/api/secrets", UriKind.Relative), new { key, value });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Queues a job and returns its id.</summary>
    public async Task<string> CreateJobAsync(string command, JsonObject? parameters = null)
    {
        var response = await Client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), new { command, parameters });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> GetJobAsync(string id) =>
        await Client.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/{id}", UriKind.Relative));

    /// <summary>Every job, oldest first (the API pages newest first, 500 at a time).</summary>
    public async Task<List<JsonElement>> ListAllJobsAsync()
    {
        var all = new List<JsonElement>();
        while (true)
        {
            var page = await Client.GetFromJsonAsync<List<JsonElement>>(new Uri($"/api/jobs?skip={all.Count}&limit=500", UriKind.Relative));
            all.AddRange(page!);
            if (page!.Count < 500)
            {
                all.Reverse();
                return all;
            }
        }
    }

    /// <summary>Every stored line of a job, in order: (seq, text).</summary>
    public async Task<List<(long Seq, string Text)>> ReadLogAsync(string id)
    {
        var lines = new List<(long, string)>();
        var after = 0L;
        while (true)
        {
            var page = await Client.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/{id}/logs?after={after}&limit=10000", UriKind.Relative));
            var batch = page.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("seq").GetInt64(), l.GetProperty("text").GetString()!)).ToList();
            lines.AddRange(batch);
            if (batch.Count == 0)
            {
                return lines;
            }

            after = batch[^1].Item1;
        }
    }

    /// <summary>Polls the job until <paramref name="condition"/> holds (generous: the machine may be loaded).</summary>
    public async Task<JsonElement> WaitForJobAsync(string id, Func<JsonElement, bool> condition, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement job = default;
        while (DateTime.UtcNow < deadline)
        {
            job = await GetJobAsync(id);
            if (condition(job))
            {
                return job;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Job {id} did not reach the expected state within {seconds} s; last: {job}\nconsole output:\n{RecentOutput()}");
    }

    public static bool IsFinished(JsonElement job) => job.GetProperty("status").GetString() is "completed" or "failed" or "cancelled";

    /// <summary>The console's last lines of output, for failure messages.</summary>
    public string RecentOutput()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    /// <summary>Keeps reading the console's stdout so it never blocks on a full pipe; the last lines are kept.</summary>
    private async Task DrainAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_output)
                {
                    _output.Enqueue(line);
                    while (_output.Count > 200)
                    {
                        _output.Dequeue();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The console is gone.
        }
    }

    /// <summary>AirsenalOps.Web.dll of the Web project's build output in the tests' configuration, else the copy next to the tests.</summary>
    private static string WebAssemblyPath()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var candidates = new[]
        {
            Path.Combine(RepositoryRoot.Find(), "AirsenalOps.Web", "bin", testDir.Parent?.Name ?? "Release", testDir.Name, "AirsenalOps.Web.dll"),
            Path.Combine(testDir.FullName, "AirsenalOps.Web.dll"),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("AirsenalOps.Web.dll is not built; looked at " + string.Join(", ", candidates));
    }

    private static string PrepareBin()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "airsenal-output", "bin");
        if (OperatingSystem.IsWindows())
        {
            return dir;
        }

        foreach (var file in Directory.GetFiles(dir))
        {
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return dir;
    }
}
