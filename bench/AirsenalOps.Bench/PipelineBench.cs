using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Bench;

/// <summary>
/// A job printing N lines through the engine (runner, splitter, log writer, store) against the same script piped
/// to /dev/null; lines stored against lines printed; this process's peak RSS growth while the job runs.
/// SQLite is judged; MongoDB (the in-memory test server, slow by nature) is reported only.
/// </summary>
internal static class PipelineBench
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(15);

    public static async Task<IReadOnlyList<ResultRow>> RunSqliteAsync(int lines, string dataDir)
    {
        await using var console = new InProcessConsole(dataDir);
        console.Start();
        return await MeasureAsync(console, "pipeline, SQLite", lines, judge: true);
    }

    public static async Task<IReadOnlyList<ResultRow>> RunMongoAsync(int lines, string dataDir)
    {
        const string Part = "pipeline, MongoDB test server";
        var (server, problem) = await MongoServer.TryStartAsync();
        if (server is null)
        {
            return [ResultRow.Info(Part, "skipped", problem!)];
        }

        using (server)
        {
            await using var console = new InProcessConsole(dataDir, server.Url);
            console.Start();
            return await MeasureAsync(console, Part, lines, judge: false);
        }
    }

    private static async Task<IReadOnlyList<ResultRow>> MeasureAsync(InProcessConsole console, string part, int lines, bool judge)
    {
        // Warm-up: JIT, the store's first writes, the first process start.
        await console.RunToEndAsync("bench_lines", new JsonObject { ["count"] = 1000 }, JobTimeout);

        // The baseline's best of two: on a shared machine noise only ever slows a run down.
        var raw = await RawPipeAsync(lines);
        raw = TimeSpan.FromTicks(Math.Min(raw.Ticks, (await RawPipeAsync(lines)).Ticks));
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var rssBefore = Machine.Rss();
        using var sampler = new RssSampler();
        var clock = Stopwatch.StartNew();
        var job = await console.RunToEndAsync("bench_lines", new JsonObject { ["count"] = lines }, JobTimeout);
        var engine = clock.Elapsed;
        var growth = sampler.Stop() - rssBefore;
        var stored = await console.CountStdoutLinesAsync(job.Id);
        var ratio = engine / raw;

        var status = job.IsFinished ? StorageJson.ToText(job.Status) : $"not finished after {JobTimeout.TotalMinutes:0} min";
        var rows = new List<ResultRow>
        {
            ResultRow.Info(part, $"{lines:N0} lines, raw pipe to /dev/null", Seconds(raw)),
            ResultRow.Info(part, $"{lines:N0} lines through a job", $"{Seconds(engine)} ({status}, {lines / engine.TotalSeconds:N0} lines/s)"),
        };
        rows.Add(Row("ratio job / raw pipe", string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}"), "≤ 1.5", ratio <= 1.5));
        rows.Add(Row("peak RSS growth", Machine.Megabytes(growth), "≤ 100 MB", growth <= 100L * 1048576));
        rows.Add(Row("lines stored / printed", $"{stored:N0} / {lines:N0}", "equal", stored == lines && job.Status == JobStatus.Completed));
        return rows;

        ResultRow Row(string metric, string measured, string target, bool ok) =>
            judge ? ResultRow.Judged(part, metric, measured, target, ok) : ResultRow.NotJudged(part, metric, measured, target);
    }

    private static async Task<TimeSpan> RawPipeAsync(int lines)
    {
        var start = new ProcessStartInfo("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"'{Path.Combine(InProcessConsole.Scripts, "fake_job")}' lines --count {lines} | cat > /dev/null");
        start.Environment["PYTHONUNBUFFERED"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        return clock.Elapsed;
    }

    private static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.00} s");
}
