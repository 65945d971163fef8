using System.Diagnostics;
using System.Globalization;

namespace AirsenalOps.Tests.Support;

/// <summary>
/// A MongoDB wire-protocol server for the tests: CongoDB from tools/mongo-test-server (installed by
/// ./test.sh), started once per test collection on a free loopback port. When MONGO_TEST_URL is set,
/// that real MongoDB is used instead. Each caller gets its own database name.
/// </summary>
public sealed class MongoTestServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private Process? _process;
    private int _databases;

    /// <summary>mongodb://host:port of the running server.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The node process serving this server (fault tests stop and resume it with signals).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The MongoDB test server is not running here.");

    /// <summary>True when the tests run against a real MongoDB (MONGO_TEST_URL).</summary>
    public bool IsRealMongo { get; private set; }

    /// <summary>A database name no other test uses in this run.</summary>
    public string NewDatabaseName(string prefix)
    {
        var number = Interlocked.Increment(ref _databases);
        var safe = new string(prefix.Where(char.IsAsciiLetterOrDigit).Take(30).ToArray());
        // MongoDB limits database names to 63 bytes; a random part keeps runs against a shared server apart.
        return string.Create(CultureInfo.InvariantCulture, $"t_{safe}_{number}_{Guid.NewGuid():N}")[..Math.Min(63, safe.Length + 24)];
    }

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("MONGO_TEST_URL");
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
            IsRealMongo = true;
            return;
        }

        await StartNodeAsync(0);
    }

    /// <summary>A CongoDB server of its own on <paramref name="port"/>, for tests that start one late.</summary>
    public static async Task<MongoTestServer> StartLocalAsync(int port)
    {
        var server = new MongoTestServer();
        await server.StartNodeAsync(port);
        return server;
    }

    private async Task StartNodeAsync(int port)
    {
        var toolDir = Path.Combine(RepositoryRoot.Find(), "tools", "mongo-test-server");
        if (!Directory.Exists(Path.Combine(toolDir, "node_modules", "@push.rocks", "smartmongo")))
        {
            throw new InvalidOperationException(
                $"The MongoDB test server is not installed ({toolDir}/node_modules is missing). Run ./test.sh, which runs npm ci there.");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = toolDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("server.js");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");

        var stderr = _process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    ConnectionString = line["READY ".Length..].Trim();
                    // Keep draining stdout so the server never blocks on a full pipe.
                    _ = _process.StandardOutput.ReadToEndAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Stop();
            throw new TimeoutException($"The MongoDB test server did not print READY within {StartTimeout.TotalSeconds} s.");
        }

        Stop();
        throw new InvalidOperationException("The MongoDB test server exited before it was ready: " + await stderr);
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private void Stop()
    {
        if (_process is null)
        {
            return;
        }

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
        _process = null;
    }
}

/// <summary>Test classes that share one MongoDB test server.</summary>
[CollectionDefinition(Name)]
public sealed class MongoServerGroup : ICollectionFixture<MongoTestServer>
{
    public const string Name = "MongoDB";
}

/// <summary>The repository's root folder: the first parent of the test binaries that holds AirsenalOps.sln.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AirsenalOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No AirsenalOps.sln above {AppContext.BaseDirectory}.");
    }
}
