using System.Globalization;

namespace AirsenalOps.Bench;

/// <summary>Which parts run and how big: the defaults are the issue's sizes, <c>--quick</c> a smoke run.</summary>
internal sealed record BenchOptions
{
    public static readonly string[] AllParts = ["pipeline", "latency", "api", "startup", "memory"];

    public IReadOnlySet<string> Parts { get; init; } = new HashSet<string>(AllParts);
    public int Lines { get; init; } = 1_000_000;

    /// <summary>Lines through the MongoDB adapter; the in-memory test server is slow, so fewer. 0 skips it.</summary>
    public int MongoLines { get; init; } = 100_000;
    public int LatencyRate { get; init; } = 5_000;
    public int LatencySeconds { get; init; } = 5;
    public IReadOnlyList<int> LatencyClients { get; init; } = [1, 50];
    public int ApiSeconds { get; init; } = 5;
    public int ApiConnections { get; init; } = 16;

    /// <summary>Rounds of bare/health/jobs, interleaved; each endpoint's best round counts (noise only ever slows).</summary>
    public int ApiRounds { get; init; } = 3;
    public int StartupRuns { get; init; } = 3;

    /// <summary>Jobs, and lines each, for the memory part (the issue's 20 jobs of 100,000 lines).</summary>
    public int MemoryJobs { get; init; } = 20;
    public int MemoryLines { get; init; } = 100_000;

    /// <summary>How long after the last job the memory part reads the resident set.</summary>
    public int MemorySettleSeconds { get; init; } = 30;

    /// <summary>Also measures the bearer check alone and a one-job list, to see where /api/jobs spends its time.</summary>
    public bool ApiBreakdown { get; init; }

    /// <summary>Extra environment for the console child process (api, startup), to see what a setting costs.</summary>
    public IReadOnlyDictionary<string, string> ConsoleSettings { get; init; } = new Dictionary<string, string>();

    public const string Usage = """
        dotnet run -c Release --project bench/AirsenalOps.Bench [-- options]
          --only PARTS          comma list of pipeline,latency,api,startup,memory (default: all)
          --quick               small sizes: 100,000 lines, 10,000 on MongoDB, 2 s latency and API runs, 1 start-up
          --lines N             lines through a job on SQLite (default 1,000,000)
          --mongo-lines N       lines through a job on MongoDB via the test server (default 100,000; 0 skips)
          --rate N              lines per second for the latency part (default 5,000)
          --latency-seconds S   how long the paced job prints (default 5)
          --clients LIST        WebSocket client counts (default 1,50)
          --api-seconds S       duration of each load run (default 5)
          --connections N       concurrent connections of the load client (default 16)
          --api-rounds N        rounds of bare, health, jobs back to back; the median round's ratios count (default 3)
          --startup-runs N      starts of the console; the median counts (default 3)
          --memory-jobs N       jobs in a row for the memory part (default 20)
          --memory-lines N      lines each of those jobs prints (default 100,000)
          --memory-settle S     seconds after the last job before the resident set is read (default 30)
          --api-breakdown       also measure /api/auth/check, and /api/jobs?limit=1 (where the time goes)
          --console-env K=V     an environment variable for the console child process (api, startup); repeatable
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        if (args.Contains("--quick"))
        {
            options = options with { Lines = 100_000, MongoLines = 10_000, LatencySeconds = 2, ApiSeconds = 2, ApiRounds = 1, StartupRuns = 1, MemoryJobs = 5, MemorySettleSeconds = 10 };
        }

        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            int AtLeastOne() => Number() is > 0 and var n ? n : throw new ArgumentException($"{args[i - 1]} needs a number of at least 1.");
            options = args[i] switch
            {
                "--quick" => options,
                "--api-breakdown" => options with { ApiBreakdown = true },
                "--only" => options with { Parts = ParseParts(Next()) },
                "--lines" => options with { Lines = Number() },
                "--mongo-lines" => options with { MongoLines = Number() },
                "--rate" => options with { LatencyRate = Number() },
                "--latency-seconds" => options with { LatencySeconds = Number() },
                "--clients" => options with { LatencyClients = [.. Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))] },
                "--api-seconds" => options with { ApiSeconds = Number() },
                "--connections" => options with { ApiConnections = Number() },
                "--api-rounds" => options with { ApiRounds = AtLeastOne() },
                "--startup-runs" => options with { StartupRuns = AtLeastOne() },
                "--memory-jobs" => options with { MemoryJobs = AtLeastOne() },
                "--memory-lines" => options with { MemoryLines = AtLeastOne() },
                "--memory-settle" => options with { MemorySettleSeconds = Number() },
                "--console-env" => options with { ConsoleSettings = WithSetting(options.ConsoleSettings, Next()) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options;
    }

    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string> settings, string pair)
    {
        var at = pair.IndexOf('=', StringComparison.Ordinal);
        return at > 0
            ? new Dictionary<string, string>(settings) { [pair[..at]] = pair[(at + 1)..] }
            : throw new ArgumentException($"--console-env takes NAME=VALUE, not '{pair}'.");
    }

    private static HashSet<string> ParseParts(string list)
    {
        var parts = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = parts.Except(AllParts, StringComparer.OrdinalIgnoreCase).ToList();
        return unknown.Count == 0 ? parts : throw new ArgumentException($"Unknown part(s): {string.Join(", ", unknown)}.");
    }
}
