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

    /// <summary>Bytes per printed line, newline included: the issue's million lines are about 60 MB.</summary>
    public const int LineBytes = 60;

    /// <summary>The script's arguments before <c>--count</c>, for the job and the raw pipe alike: both print the same bytes.</summary>
    public static IReadOnlyList<string> ScriptArguments { get; } = ["lines", "--width", LineBytes.ToString(CultureInfo.InvariantCulture)];

    private const int WarmUpJobs = 3;

    private const int Pairs = 5;

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
        // Warm-up: a console runs many jobs, and the bench measures it in that steady state. One short job
        // is not enough: the JIT recompiles the hot path in tiers for several jobs, on the core the script needs.
        for (var i = 0; i < WarmUpJobs; i++)
        {
            await console.RunToEndAsync("bench_lines", new JsonObject { ["count"] = Math.Min(200_000, Math.Max(1000, lines / 2)) }, JobTimeout);
        }

        // Pairs of runs, the raw pipe then the job, so both sides of each ratio meet the same machine;
        // the pair with the median ratio is reported (a shared machine's noise comes and goes within seconds).
        var pairs = new List<(TimeSpan Raw, JobRun Job)>();
        for (var i = 0; i < Pairs; i++)
        {
            pairs.Add((await RawPipeAsync(lines), await RunJobAsync(console, lines)));
        }

        var byRatio = pairs.Select(pair => (pair.Raw, pair.Job, Ratio: pair.Job.Time / pair.Raw)).OrderBy(pair => pair.Ratio).ToList();
        var (raw, median, ratio) = byRatio[Pairs / 2];
        var growth = pairs.Max(pair => pair.Job.RssGrowth);
        var allStored = pairs.All(pair => pair.Job.Stored == lines && pair.Job.Job.Status == JobStatus.Completed);
        var status = pairs.All(pair => pair.Job.Job.IsFinished) ? StorageJson.ToText(median.Job.Status) : $"not finished after {JobTimeout.TotalMinutes:0} min";
        var rows = new List<ResultRow>
        {
            ResultRow.Info(part, $"{lines:N0} lines of {LineBytes} B, raw pipe to /dev/null", Seconds(raw)),
            ResultRow.Info(part, $"{lines:N0} lines through a job", $"{Seconds(median.Time)} ({status}, {lines / median.Time.TotalSeconds:N0} lines/s)"),
        };
        rows.Add(Row(
            $"ratio job / raw pipe (median of {Pairs} pairs)",
            string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00} ({byRatio[0].Ratio:0.00}–{byRatio[^1].Ratio:0.00})"),
            "≤ 1.5",
            ratio <= 1.5));
        rows.Add(Row("peak RSS growth", Machine.Megabytes(growth), "≤ 100 MB", growth <= 100L * 1048576));
        rows.Add(Row("lines stored / printed", $"{pairs.Min(pair => pair.Job.Stored):N0} / {lines:N0}", "equal", allStored));
        return rows;

        ResultRow Row(string metric, string measured, string target, bool ok) =>
            judge ? ResultRow.Judged(part, metric, measured, target, ok) : ResultRow.NotJudged(part, metric, measured, target);
    }

    private static async Task<JobRun> RunJobAsync(InProcessConsole console, int lines)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var rssBefore = Machine.Rss();
        using var sampler = new RssSampler();
        var clock = Stopwatch.StartNew();
        var job = await console.RunToEndAsync("bench_lines", new JsonObject { ["count"] = lines }, JobTimeout);
        var time = clock.Elapsed;
        var growth = sampler.Stop() - rssBefore;
        return new JobRun(job, time, growth, await console.CountStdoutLinesAsync(job.Id));
    }

    private sealed record JobRun(JobRecord Job, TimeSpan Time, long RssGrowth, long Stored);

    private static async Task<TimeSpan> RawPipeAsync(int lines)
    {
        var start = new ProcessStartInfo("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"'{Path.Combine(InProcessConsole.Scripts, "fake_job")}' {string.Join(' ', ScriptArguments)} --count {lines} | cat > /dev/null");
        start.Environment["PYTHONUNBUFFERED"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        return clock.Elapsed;
    }

    private static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.00} s");
}
