using System.Globalization;
using System.Text;
using System.Text.Json;
using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Unit.Airsenal;

/// <summary>
/// Progress read from the real AIrsenal 1.15 recordings, chunk by chunk as the pipes gave them: through the console's
/// own line splitter (lines, redraws and states still drawn) into the command's hooks, at the recorded times.
/// </summary>
public sealed class RecordedProgressTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 16, 0, 0, TimeSpan.Zero));
    private readonly AirsenalDatabase _database;
    private readonly IReadOnlyList<JobCommand> _commands;

    public RecordedProgressTests()
    {
        var options = Options.Create(new AirsenalOptions
        {
            PersistentDbPath = _dir.File("persistent/data.db"),
            LocalDbPath = _dir.File("local.db"),
            Home = _dir.File("home"),
        });
        _database = new AirsenalDatabase(options, _time, MemoryAuditStore.NewLog(_time));
        _commands = AirsenalCommands.Build(_database, options, _time);
    }

    public void Dispose()
    {
        _database.Dispose();
        _dir.Dispose();
    }

    /// <summary>One chunk of a recording: when, which pipe, the text exactly as read.</summary>
    internal sealed record Chunk(double Seconds, int Fd, string Data);

    internal static List<Chunk> Chunks(string recording)
    {
        var chunks = new List<Chunk>();
        foreach (var json in File.ReadLines(ReplayAirsenal.RecordingPath(recording), Encoding.UTF8))
        {
            using var line = JsonDocument.Parse(json);
            var root = line.RootElement;
            if (root.TryGetProperty("fd", out var fd) && fd.GetInt32() is 1 or 2)
            {
                chunks.Add(new Chunk(root.GetProperty("t").GetDouble(), fd.GetInt32(), root.GetProperty("data").GetString()!));
            }
        }

        return chunks;
    }

    /// <summary>What one chunk gave the hooks: the progress readings it produced.</summary>
    private sealed record Fed(Chunk Chunk, List<JobProgress> Readings);

    /// <summary>Feeds every chunk in order as the supervisor and the log writer do, and applies each reading to a job record.</summary>
    private (List<Fed> Fed, JobRecord Job, List<string> Stored) Feed(string command, string recording)
    {
        var cmd = _commands.Single(c => c.Name == command);
        var job = new JobRecord { Id = "job-1", Command = command, Status = JobStatus.Running, CreatedAt = _time.GetUtcNow() };
        var context = new JobRunContext(job, cmd, 1, [], new Dictionary<string, string> { ["FPL_TEAM_ID"] = "742663" }, 1,
            (_, _, _) => Task.FromResult<IReadOnlyList<LogLine>>([]), (_, _) => Task.CompletedTask);
        var hooks = cmd.Hooks;
        Assert.Null(hooks.PrepareAsync(context, CancellationToken.None).AsTask().Result.Error);
        var stored = new List<string>();
        var current = new List<JobProgress>();
        void Hook(string text)
        {
            if (hooks.OnLine(context, Ansi.Strip(text)) is { } read)
            {
                current.Add(read);
            }
        }

        var splitters = new Dictionary<int, LineSplitter>();
        foreach (var fd in new[] { 1, 2 })
        {
            splitters[fd] = new LineSplitter((text, _) => { stored.Add(text); Hook(text); }, (text, _) => Hook(text), drawing: (text, _) => Hook(text));
        }

        var fed = new List<Fed>();
        var start = _time.GetUtcNow();
        foreach (var chunk in Chunks(recording))
        {
            _time.SetUtcNow(start + TimeSpan.FromSeconds(chunk.Seconds));
            current = [];
            splitters[chunk.Fd].Feed(chunk.Data);
            foreach (var read in current)
            {
                job = JobTransitions.Progress(job, read, _time.GetUtcNow()).Next ?? job;
            }

            fed.Add(new Fed(chunk, current));
        }

        current = [];
        splitters[1].Finish();
        splitters[2].Finish();
        foreach (var read in current)
        {
            job = JobTransitions.Progress(job, read, _time.GetUtcNow()).Next ?? job;
        }

        return (fed, job, stored);
    }

    [Fact]
    public void Optimisation_MovesThroughManyPercentagesWithEtas_AndEndsAt100WithAllStrategiesDone()
    {
        var (fed, job, _) = Feed("optimize", "run_optimization");
        var readings = fed.SelectMany(f => f.Readings).ToList();

        var running = readings.Where(r => r.Percent < 100 && r.Remaining is not null).Select(r => r.Percent).Distinct().ToList();
        Assert.True(running.Count >= 5, $"distinct percentages with an ETA below 100: {string.Join(", ", running)}");
        // Only the main bar counts: 27 strategies, whole numbers, never going back.
        Assert.All(readings, r => Assert.Equal(27, r.Total));
        Assert.Equal(readings.Select(r => r.Done).Order(), readings.Select(r => r.Done));
        var last = readings[^1];
        Assert.Equal((100d, 27d, 27d), (last.Percent!.Value, last.Done!.Value, last.Total!.Value));
        // tqdm's closing "0/27 [03:01<?, ?it/s]" after 27/27 leaves the job at 100 %.
        Assert.Equal((100d, 27d, 27d), (job.Progress!.Value, job.ProgressDone!.Value, job.ProgressTotal!.Value));
    }

    [Fact]
    public void Optimisation_MainBarIsReadWhileItIsDrawn_NotWhenTheNextRedrawComes()
    {
        var (fed, _, _) = Feed("optimize", "run_optimization");
        var highest = -1d;
        var drawnAt = new List<(double Seconds, double Done)>();
        foreach (var f in fed)
        {
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(f.Chunk.Data, @"Total progress:\s+\d+%\|[^|]*\|\s*(\d+)/27"))
            {
                if (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) is var done && done > highest)
                {
                    highest = done;
                    drawnAt.Add((f.Chunk.Seconds, done));
                    // The chunk that draws a new count gives that count at once (tqdm may leave it drawn for many seconds).
                    Assert.Contains(f.Readings, r => r.Done == done);
                }
            }
        }

        Assert.Equal(28, drawnAt.Count);
    }

    [Fact]
    public void Optimisation_ReadingDrawnStates_StoresExactlyTheLinesItStoredBefore()
    {
        var (_, _, stored) = Feed("optimize", "run_optimization");
        var before = new List<string>();
        var splitters = new[] { 1, 2 }.ToDictionary(fd => fd, _ => new LineSplitter((text, _) => before.Add(text), (_, _) => { }));
        foreach (var chunk in Chunks("run_optimization"))
        {
            splitters[chunk.Fd].Feed(chunk.Data);
        }

        splitters[1].Finish();
        splitters[2].Finish();

        Assert.Equal(before, stored);
        // (The stacked layout ends some main-bar states with a newline, and those were and are stored; \r redraws are not.)
        Assert.True(stored.Count < Chunks("run_optimization").Count / 2, $"{stored.Count} lines stored");
    }

    [Fact]
    public void OptimisationWithTheLoginAnsweredLate_EndsAt100_AfterManyPercentages()
    {
        var (fed, job, _) = Feed("optimize", "run_optimization-login_prompt_answered_after_5s");
        var readings = fed.SelectMany(f => f.Readings).ToList();

        Assert.True(readings.Where(r => r.Percent < 100 && r.Remaining is not null).Select(r => r.Percent).Distinct().Count() >= 5);
        Assert.Equal((100d, 27d, 27d), (job.Progress!.Value, job.ProgressDone!.Value, job.ProgressTotal!.Value));
    }

    [Theory]
    [InlineData("setup_db", "setup_initial_db")]
    [InlineData("update_db", "update_db")]
    [InlineData("predict", "run_prediction")]
    [InlineData("make_squad", "make_squad")]
    [InlineData("optimize", "run_optimization-login_prompt_eof")]
    [InlineData("optimize", "fail-db_file_and_db_uri")]
    public void CommandsThatDrawNoBarOfTheirOwn_ReportNoInventedProgress(string command, string recording)
    {
        // setup_initial_db draws one unnamed bar (0/650 to 650/650) for its last 3 of 43 s: showing it as the job's
        // progress would say 2 % at 39 s. The others draw no bar at all; the failed optimisations end before theirs.
        var (fed, job, _) = Feed(command, recording);

        Assert.Empty(fed.SelectMany(f => f.Readings));
        Assert.Null(job.Progress);
        Assert.Null(job.ProgressDone);
    }

    [Fact]
    public async Task Pipeline_MapsTheRealOptimiserBarIntoItsStage_AndIgnoresTheTrailingReset()
    {
        var cmd = _commands.Single(c => c.Name == "pipeline");
        var context = new JobRunContext(new JobRecord { Id = "p", Command = "pipeline", CreatedAt = _time.GetUtcNow() }, cmd, 1, [],
            new Dictionary<string, string> { ["FPL_TEAM_ID"] = "742663" }, 1, (_, _, _) => Task.FromResult<IReadOnlyList<LogLine>>([]), (_, _) => Task.CompletedTask);
        Assert.Null((await cmd.Hooks.PrepareAsync(context, CancellationToken.None)).Error);
        var readings = new List<JobProgress>();
        void Hook(string text)
        {
            if (cmd.Hooks.OnLine(context, Ansi.Strip(text)) is { } read)
            {
                readings.Add(read);
            }
        }

        // The real pipeline prints its stage marker, then the optimiser's own output (no pipeline recording exists).
        Hook("Running optimization..");
        var stderr = new LineSplitter((text, _) => Hook(text), (text, _) => Hook(text), drawing: (text, _) => Hook(text));
        foreach (var chunk in Chunks("run_optimization").Where(c => c.Fd == 2))
        {
            stderr.Feed(chunk.Data);
        }

        stderr.Finish();

        Assert.Equal(55, readings[0].Percent);
        Assert.Equal(90, readings[^1].Percent);
        Assert.All(readings, r => Assert.InRange(r.Percent!.Value, 55, 90));
        Assert.True(readings.Select(r => r.Percent).Distinct().Count() >= 10);
        Assert.All(readings, r => Assert.Null(r.Done));
    }
}
