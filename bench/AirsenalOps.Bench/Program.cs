using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Bench;

internal static class Bench
{
    public static async Task<int> Main()
    {
        // Runs the console in-process on Kestrel (loopback) with the fake AIrsenal script and measures the
        // job engine: throughput against a raw pipe, lines stored, memory, and print → WebSocket latency.
        const int Lines = 1_000_000;
        const int PacedLines = 25_000;
        const int PacedRate = 5_000;
        const string Token = "bench-token";

        var repo = FindRepositoryRoot();
        var scripts = Path.Combine(repo, "AirsenalOps.Tests", "Fixtures", "fake-airsenal");
        var fakeJob = Path.Combine(scripts, "fake_job");
        var data = Directory.CreateTempSubdirectory("airsenalops-bench-");

        Console.WriteLine($"AirsenalOps job engine benchmark ({Environment.ProcessorCount} cores, data in {data.FullName})");
        // Numbers from a shared machine mean little without its load next to them.
        var loadBefore = LoadAverage();
        try
        {
            var raw = await RawPipeAsync(fakeJob, Lines);

            await using var factory = new BenchFactory(data.FullName, scripts);
            factory.UseKestrel(0);
            factory.StartServer();
            var jobs = factory.Services.GetRequiredService<JobService>();
            var storage = factory.Services.GetRequiredService<IStorage>();

            // Warm-up: JIT, SQLite, process start.
            await RunToEndAsync(jobs, "bench_lines", 1000);

            var rssBefore = Rss();
            using var sampler = new RssSampler();
            var clock = Stopwatch.StartNew();
            var job = await RunToEndAsync(jobs, "bench_lines", Lines);
            var engine = clock.Elapsed;
            var rssPeak = sampler.Stop();
            var stored = await CountStdoutLinesAsync(jobs, job.Id);

            var (p50, p99, received) = await LatencyAsync(factory, jobs);

            var rows = new List<(string Metric, string Value, string Target, bool Ok)>
            {
                ("raw pipe to /dev/null", $"{raw.TotalSeconds:0.00} s", "", true),
                ("through the engine", $"{engine.TotalSeconds:0.00} s ({job.Status})", "", job.Status == JobStatus.Completed),
                ("ratio engine / raw", $"{engine / raw:0.00}", "≤ 1.5", engine / raw <= 1.5),
                ("lines stored / printed", $"{stored:N0} / {Lines:N0}", "equal", stored == Lines),
                ("peak RSS growth", $"{(rssPeak - rssBefore) / 1048576.0:0.0} MB", "≤ 100 MB", rssPeak - rssBefore <= 100L * 1048576),
                ($"WebSocket latency p50 @ {PacedRate}/s", $"{p50:0.0} ms", "", true),
                ($"WebSocket latency p99 @ {PacedRate}/s", $"{p99:0.0} ms", "≤ 50 ms", p99 <= 50),
                ("paced lines received", $"{received:N0} / {PacedLines:N0}", "equal", received == PacedLines),
                ("load average (1/5/15 min) before", loadBefore, "", true),
                ("load average (1/5/15 min) after", LoadAverage(), "", true),
            };
            Console.WriteLine();
            Console.WriteLine($"| {"metric",-34} | {"measured",-26} | {"target",-9} | ok  |");
            Console.WriteLine($"|{new string('-', 36)}|{new string('-', 28)}|{new string('-', 11)}|-----|");
            foreach (var (metric, value, target, ok) in rows)
            {
                Console.WriteLine($"| {metric,-34} | {value,-26} | {target,-9} | {(target.Length == 0 ? "   " : ok ? "yes" : "NO ")} |");
            }

            _ = storage;
            return 0;
        }
        finally
        {
            try
            {
                data.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Left for /tmp cleaning.
            }
        }

        static async Task<TimeSpan> RawPipeAsync(string fakeJob, int lines)
        {
            var start = new ProcessStartInfo("sh") { RedirectStandardOutput = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"'{fakeJob}' lines --count {lines} | cat > /dev/null");
            start.Environment["PYTHONUNBUFFERED"] = "1";
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync();
            return clock.Elapsed;
        }

        static async Task<JobRecord> RunToEndAsync(JobService jobs, string command, int count)
        {
            var job = await jobs.CreateAsync(command, new JsonObject { ["count"] = count }, CancellationToken.None);
            while (true)
            {
                var current = (await jobs.GetAsync(job.Id, CancellationToken.None))!;
                if (current.IsFinished)
                {
                    return current;
                }

                await Task.Delay(20);
            }
        }

        static async Task<long> CountStdoutLinesAsync(JobService jobs, string id)
        {
            long count = 0;
            await foreach (var line in jobs.ReadAllLogsAsync(id, CancellationToken.None))
            {
                count += line.Source == LogSource.Stdout ? 1 : 0;
            }

            return count;
        }

        static async Task<(double P50, double P99, int Received)> LatencyAsync(BenchFactory factory, JobService jobs)
        {
            var job = await jobs.CreateAsync("bench_paced", new JsonObject { ["count"] = PacedLines, ["rate"] = PacedRate }, CancellationToken.None);
            using var socket = new ClientWebSocket();
            var address = new Uri(factory.ClientOptions.BaseAddress, $"/ws/jobs/{job.Id}?token={Token}");
            var ws = new UriBuilder(address) { Scheme = "ws" }.Uri;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await socket.ConnectAsync(ws, timeout.Token);
            var latencies = new List<double>(PacedLines);
            var buffer = new byte[64 * 1024];
            while (latencies.Count < PacedLines)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, timeout.Token);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                var now = DateTimeOffset.UtcNow;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var node = JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!;
                if (node["type"]?.GetValue<string>() == "status" && node["status"]?.GetValue<string>() is "failed" or "completed" or "cancelled")
                {
                    break;
                }

                if (node["type"]?.GetValue<string>() == "log" && node["source"]?.GetValue<string>() == "stdout")
                {
                    var printedNs = long.Parse(node["message"]!.GetValue<string>().Split(' ')[0], CultureInfo.InvariantCulture);
                    var printed = DateTimeOffset.UnixEpoch.AddTicks(printedNs / 100);
                    latencies.Add((now - printed).TotalMilliseconds);
                }
            }

            latencies.Sort();
            return latencies.Count == 0
                ? (double.NaN, double.NaN, 0)
                : (latencies[latencies.Count / 2], latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))], latencies.Count);
        }

        static string LoadAverage()
        {
            // /proc/loadavg: "1min 5min 15min running/total lastpid".
            var fields = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ') : [];
            return fields.Length >= 3 ? $"{fields[0]} / {fields[1]} / {fields[2]}" : "unknown";
        }

        static long Rss()
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }

            return 0;
        }

        static string FindRepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "AirsenalOps.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Run the benchmark from inside the repository.");
        }
    }
}

/// <summary>Samples the resident set every 20 ms and keeps the highest value.</summary>
internal sealed class RssSampler : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<long> _task;

    public RssSampler() => _task = Task.Run(async () =>
    {
        long peak = 0;
        while (!_stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, ReadRss());
            await Task.Delay(20, CancellationToken.None);
        }

        return Math.Max(peak, ReadRss());
    });

    public long Stop()
    {
        _stop.Cancel();
        return _task.GetAwaiter().GetResult();
    }

    public void Dispose() => _stop.Dispose();

    private static long ReadRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}

/// <summary>The console with the fake AIrsenal script, a bench token and the two bench commands.</summary>
internal sealed class BenchFactory(string dataDir, string scripts) : WebApplicationFactory<global::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DATA_DIR", dataDir);
        builder.UseSetting("AIRSENAL_BIN_DIR", scripts);
        builder.UseSetting("LOG_LEVEL", "WARNING");
        builder.UseSetting("MAX_JOB_RETRIES", "0");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<JobSocketTokenCheck>((token, _) => Task.FromResult(token == "bench-token"));
            var count = new CommandParameter { Name = "count", Type = ParameterType.Int, Min = 1, Max = 100_000_000 };
            services.AddJobCommand(new JobCommand { Name = "bench_lines", Description = "bench", Executable = "fake_job", FixedArguments = ["lines"], Parameters = [count] });
            services.AddJobCommand(new JobCommand
            {
                Name = "bench_paced",
                Description = "bench",
                Executable = "fake_job",
                FixedArguments = ["paced"],
                Parameters = [count, new CommandParameter { Name = "rate", Type = ParameterType.Int, Min = 1, Max = 1_000_000 }],
            });
        });
    }
}
