using System.Diagnostics;

namespace AirsenalOps.Bench;

/// <summary>
/// The tests' MongoDB wire-compatible server (tools/mongo-test-server, in memory) on a free loopback port,
/// started the way AirsenalOps.Tests/Support/MongoTestServer starts it.
/// </summary>
internal sealed class MongoServer : IDisposable
{
    private readonly Process _process;

    private MongoServer(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public int ProcessId => _process.Id;

    /// <summary>Null (with the reason in <paramref name="problem"/>) when the server is not installed or does not start.</summary>
    public static async Task<(MongoServer? Server, string? Problem)> TryStartAsync()
    {
        var toolDir = Path.Combine(Machine.RepositoryRoot(), "tools", "mongo-test-server");
        if (!Directory.Exists(Path.Combine(toolDir, "node_modules", "@push.rocks", "smartmongo")))
        {
            return (null, "not installed: run (cd tools/mongo-test-server && npm ci)");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = toolDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("server.js");
        start.ArgumentList.Add("0");
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    _ = process.StandardOutput.ReadToEndAsync();
                    return (new MongoServer(process, line["READY ".Length..].Trim()), null);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below.
        }

        process.Kill(entireProcessTree: true);
        process.Dispose();
        return (null, "the test server did not print READY within 60 s");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
