using System.Globalization;

namespace AirsenalOps.Bench;

/// <summary>
/// The console's performance promises, measured: log pipeline (SQLite judged, MongoDB reported), live log
/// latency, API throughput against a bare Kestrel endpoint, start-up. Prints one markdown table for the
/// README's Performance section. Not a test: numbers on a shared machine vary, so the load average is printed too.
/// </summary>
internal static class Bench
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args is [BareServer.Argument])
        {
            return await BareServer.ServeAsync();
        }

        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }

        // The in-process console logs to stdout (its host lifetime lines): the table gets stdout to itself.
        var output = Console.Out;
        Console.SetOut(TextWriter.Null);
        var data = Directory.CreateTempSubdirectory("airsenalops-bench-");
        var loadBefore = Machine.LoadAverage();
        var started = DateTimeOffset.UtcNow;
        Console.Error.WriteLine($"AirsenalOps benchmark on {Machine.Describe()}, load {loadBefore}; data in {data.FullName}");
        var table = new ResultTable();
        try
        {
            if (options.Parts.Contains("pipeline"))
            {
                table.AddRange(await PipelineBench.RunSqliteAsync(options.Lines, Sub("pipeline-sqlite")));
                if (options.MongoLines > 0)
                {
                    table.AddRange(await PipelineBench.RunMongoAsync(options.MongoLines, Sub("pipeline-mongo")));
                }
            }

            if (options.Parts.Contains("latency"))
            {
                table.AddRange(await LatencyBench.RunAsync(options.LatencyRate, options.LatencySeconds, options.LatencyClients, Sub("latency")));
            }

            if (options.Parts.Contains("api"))
            {
                table.AddRange(await ApiThroughputBench.RunAsync(options.ApiConnections, options.ApiSeconds, options.ApiRounds, options.ApiBreakdown, options.ConsoleSettings, data.FullName));
            }

            if (options.Parts.Contains("startup"))
            {
                table.AddRange(await StartupBench.RunAsync(options.StartupRuns, options.ConsoleSettings, data.FullName));
            }

            if (options.Parts.Contains("memory"))
            {
                table.AddRange(await MemoryBench.RunAsync(options.MemoryJobs, options.MemoryLines, TimeSpan.FromSeconds(options.MemorySettleSeconds), options.ConsoleSettings, data.FullName));
            }
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

        var minutes = (DateTimeOffset.UtcNow - started).TotalMinutes;
        output.WriteLine();
        output.WriteLine($"Measured {started:yyyy-MM-dd HH:mm} UTC at commit {Machine.GitCommit()}, in {minutes:0.0} min: " +
            $"{Machine.Describe()}; load average (1 / 5 / 15 min) {loadBefore} before, {Machine.LoadAverage()} after. " +
            $"Arguments: {(args.Length == 0 ? "none (full sizes)" : string.Join(' ', args))}.");
        output.WriteLine();
        output.Write(table.ToMarkdown());
        output.WriteLine();
        output.WriteLine(table.Misses == 0 ? "Every judged target met." : $"{table.Misses} judged target(s) missed.");
        output.Flush();
        return 0;

        string Sub(string name) => Directory.CreateDirectory(Path.Combine(data.FullName, name)).FullName;
    }
}
