using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Airsenal;

/// <summary>
/// Every recording of the real AIrsenal 1.15 (Fixtures/airsenal-real/recordings) played by the replay AIrsenal through
/// the console's real job path: real child processes in their own group, the real pipes, hooks and parsers. The
/// values asserted are the printout's; the stored log must hold exactly the lines the program printed.
/// </summary>
public sealed class RealReplayTests : IDisposable
{
    private const string TeamId = "742663";
    private readonly Dictionary<string, string> _secrets = new()
    {
        ["FPL_TEAM_ID"] = TeamId,
        // As fast as the pipes go; the cancel test plays in (sped-up) real time.
        [ReplayAirsenal.SpeedKey] = "max",
    };

    private readonly ReplayFactory _factory;

    public RealReplayTests()
    {
        _factory = new ReplayFactory(_secrets);
    }

    public void Dispose() => _factory.Dispose();

    private JobService Jobs => _factory.Services.GetRequiredService<JobService>();

    [Fact]
    public async Task FailDbFileAndDbUri_IsFailedWithTheMatchedHint_AndNotRetried()
    {
        var recording = Play("fail-db_file_and_db_uri");
        // What made the real run fail: AIRSENAL_DB_URI beside the AIRSENAL_DB_FILE the console sets.
        _secrets["AIRSENAL_DB_URI"] = "sqlite:////tmp/other-airsenal.db";

        var job = await RunAsync("optimize");

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(1, job.ExitCode);
        Assert.Single(job.Attempts);
        Assert.StartsWith("AIrsenal has both AIRSENAL_DB_FILE (set by the console) and AIRSENAL_DB_URI", job.Hint, StringComparison.Ordinal);
        Assert.Contains("airsenal_env del -k AIRSENAL_DB_URI", job.Hint, StringComparison.Ordinal);
        // The error is the line that explains the failure (issue 16), the exception AIrsenal printed.
        Assert.Contains("Please choose only ONE of AIRSENAL_DB_FILE and AIRSENAL_DB_URI", job.Error, StringComparison.Ordinal);
        Assert.Null(job.Output);
        var log = await LogAsync(job.Id);
        Assert.Empty(log.Stdout);
        Assert.Equal(StderrLines(recording.Stderr), log.Stderr);
        Assert.Equal(20, log.Stderr.Count);
        Assert.Equal("RuntimeError: Please choose only ONE of AIRSENAL_DB_FILE and AIRSENAL_DB_URI", log.Stderr[^1]);
    }

    [Fact]
    public async Task MakeSquad_ReadsTheSquadAndTheLineup_CaptainViceStartersAndBench()
    {
        var recording = Play("make_squad");

        var job = await RunAsync("make_squad", new JsonObject { ["num_gameweeks"] = 3, ["num_generations"] = 20, ["population_size"] = 50 });

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Null(job.Hint);
        var squad = ParsedOutput.Read<SquadOutput>(job.Output)!;
        Assert.Equal("squad", squad.Type);
        Assert.Equal(176.70084035886222, squad.BestScore);
        Assert.Equal(15, squad.Squad.Count);
        Assert.Equal(new SquadMember("GK", "Leno", "FUL", 5.0), squad.Squad[0]);
        Assert.Equal(new SquadMember("MID", "Mbeumo", "LIV", 8.3), squad.Squad[8]);
        Assert.Equal(new SquadMember("FWD", "Calvert-Lewin", "HUL", 5.8), squad.Squad[^1]);
        Assert.Equal(16.5, squad.Bank);
        Assert.Equal((21, 23, 176.70), (squad.GameweekStart, squad.GameweekEnd, squad.TotalScore));
        Assert.Equal((21, 54.33), (squad.NextGameweek, squad.ExpectedPoints));
        Assert.Equal(("Thiago", "Thiaw"), (squad.Captain, squad.ViceCaptain));
        Assert.Equal(
            ["Leno", "H.Bueno", "Thiaw", "Ballard", "Danso", "Botman", "Mbeumo", "Anderson", "Doku", "Thiago", "Mayenda"],
            squad.StartingLineup.Select(p => p.Name));
        Assert.Equal(["GK", "DEF", "DEF", "DEF", "DEF", "DEF", "MID", "MID", "MID", "FWD", "FWD"], squad.StartingLineup.Select(p => p.PositionGroup));
        Assert.Equal(new LineupPlayer("Thiaw", "DEF", "MCI", false, true), squad.StartingLineup[2]);
        Assert.Equal(new LineupPlayer("Thiago", "FWD", "BHA", true, false), squad.StartingLineup[9]);
        Assert.Equal(
            [new BenchPlayer(1, "Garnacho", "COV"), new BenchPlayer(2, "Calvert-Lewin", "HUL"), new BenchPlayer(3, "Roefs", "NEW"), new BenchPlayer(4, "Wilson", "FUL")],
            squad.Bench);
        var log = await LogAsync(job.Id);
        Assert.Equal(recording.StdoutLines, log.Stdout);
        Assert.Equal(74, log.Stdout.Count);
        Assert.Empty(log.Stderr);
    }

    [Theory]
    // "n" was written at the start, then stdin closed: what the console does.
    [InlineData("run_optimization")]
    // The real run waited 5 s for its answer; the console's answer is there at once, and the plan is the same.
    [InlineData("run_optimization-login_prompt_answered_after_5s")]
    public async Task Optimise_WithoutLogin_AnswersThePrompt_ReadsTheWholePlan_AndKeepsThePromptOnItsOwnLine(string name)
    {
        var recording = Play(name);
        var home = Path.Combine(Path.GetDirectoryName(_factory.PersistentDb)!, "home");

        var job = await RunAsync("optimize", new JsonObject { ["num_thread"] = 2 });

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal("airsenal_run_optimization --weeks_ahead 3 --num_thread 2", job.CommandLine);
        // The prompt the console answered itself and the no-credentials warnings on stderr are no hint.
        Assert.Null(job.Hint);
        Assert.Equal(100, job.Progress);
        var plan = ParsedOutput.Read<OptimisationOutput>(job.Output)!;
        Assert.Equal((742663, 2), (plan.TeamId, plan.FreeTransfers));
        Assert.Equal((177.8, 199.5), (plan.BaselinePoints, plan.BestPoints));
        Assert.Equal(21.7, plan.PointsGain!.Value, 3);
        Assert.Equal(
            [(21, (string?)null, (int?)0, (double?)5.4, (double?)53.7), (22, null, 0, 5.3, 73.7), (23, null, 0, 5.5, 88.5)],
            plan.Gameweeks.Select(g => (g.Gameweek, g.Chip, g.PointsHit, g.Bank, g.PredictedScore)));
        Assert.Equal([["Foden"], ["Wieffer", "Woltemade"], ["Trossard"]], plan.Gameweeks.Select(g => g.TransfersOut));
        Assert.Equal([["O.Dango"], ["Wilson", "Calvert-Lewin"], ["Sarr"]], plan.Gameweeks.Select(g => g.TransfersIn));
        Assert.Equal((21, "Thiago", "O.Dango"), (plan.LineupGameweek, plan.Captain, plan.ViceCaptain));
        Assert.Equal(
            ["Dúbravka", "Senesi", "Mukiele", "Ballard", "Wieffer", "Semenyo", "Cherki", "O.Dango", "Haaland", "Thiago", "Woltemade"],
            plan.StartingLineup.Select(p => p.Name));
        Assert.Equal(["Virgil", "Keane", "Roefs", "Trossard"], plan.Bench.Select(b => b.Name));
        Assert.DoesNotContain("UserWarning", plan.SummaryText, StringComparison.Ordinal);

        var log = await LogAsync(job.Id);
        Assert.Contains(log.System, l => l.Contains("login prompt is answered 'n'", StringComparison.Ordinal));
        // Every printed line, with the prompt (no newline of its own) and the next text apart, as a terminal shows them.
        var prompt = log.Stdout.IndexOf("the API. (y/n): ");
        Assert.True(prompt > 0, "the prompt's last line is stored on its own");
        Assert.Equal("Getting starting squad for 742663", log.Stdout[prompt + 1]);
        Assert.Equal(PromptApart(recording.StdoutLines), log.Stdout);
        Assert.Equal(recording.StdoutLines.Count + 1, log.Stdout.Count);
        Assert.Equal(StderrLines(recording.Stderr), log.Stderr);
        // The optimiser's strategy folder is gone at the end, as the real run leaves it.
        Assert.False(Directory.Exists(Path.Combine(home, "airsopt")));
    }

    [Fact]
    public async Task Optimise_PromptMeetsAClosedStdin_FailsAtOnceNamingTheLoginSecrets_AsTheRealEofRun()
    {
        // The console answers only without FPL_LOGIN/FPL_PASSWORD; with them it gives AIrsenal no stdin, so an
        // unexpected prompt meets EOF as in this recording (EOFError, exit 1) and must not hang or be retried.
        var recording = Play("run_optimization-login_prompt_eof");
        _secrets["FPL_LOGIN"] = "someone@example.com";
        _secrets["FPL_PASSWORD"] = "not-the-real-one";

        var job = await RunAsync("optimize", new JsonObject { ["num_thread"] = 2 });

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(1, job.ExitCode);
        Assert.Single(job.Attempts);
        Assert.Equal("AIrsenal asked for an FPL login: set both the FPL_LOGIN and FPL_PASSWORD secrets.", job.Error);
        Assert.Equal(job.Error, job.Hint);
        Assert.Null(job.Output);
        var log = await LogAsync(job.Id);
        Assert.Equal(recording.StdoutLines, log.Stdout);
        Assert.Equal(8, log.Stdout.Count);
        Assert.Equal("the API. (y/n): ", log.Stdout[^1]);
        Assert.Equal(StderrLines(recording.Stderr), log.Stderr);
        Assert.Equal("EOFError: EOF when reading a line", log.Stderr[^1]);
    }

    [Fact]
    public async Task Optimise_Cancelled_WhileItsWorkersRun_EndsTheWholeTree_AsTheRealOneDoes()
    {
        Play("run_optimization");
        // The bars (and the forked workers) start 6.8 s into the real run: about 1.4 s at five times the speed.
        _secrets[ReplayAirsenal.SpeedKey] = "5";
        var job = await Jobs.CreateAsync("optimize", new JsonObject { ["num_thread"] = 2 }, CancellationToken.None);
        // The workers are forked before the first bar is drawn (a process count would also see the python shims).
        await WaitUntilAsync(async () => (await LogAsync(job.Id)).Stderr.Any(l => l.Contains("%|", StringComparison.Ordinal)));
        var tree = ProcessGroup.FindByMarker(job.Id);

        Assert.Equal(JobActionStatus.Done, (await Jobs.CancelAsync(job.Id, CancellationToken.None)).Status);

        var done = await WaitForFinishAsync(job.Id);
        Assert.Equal(JobStatus.Cancelled, done.Status);
        Assert.Equal("cancelled", Assert.Single(done.Attempts).Outcome);
        await WaitUntilAsync(() => ProcessGroup.FindByMarker(job.Id).Count == 0 && tree.All(p => !Integration.Jobs.JobControlTests.IsRunning(p)));
        // SIGINT reached the leader and both workers: each printed its KeyboardInterrupt.
        var log = await LogAsync(job.Id);
        Assert.True(log.Stderr.Count(l => l == "KeyboardInterrupt") >= 3, string.Join('\n', log.Stderr.TakeLast(20)));
        Assert.Contains(log.Stderr, l => l.StartsWith("Process ForkProcess-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunPrediction_ReadsTheTopFivePerPosition_ForGameweeks21To23()
    {
        var recording = Play("run_prediction");

        var job = await RunAsync("predict", new JsonObject { ["weeks_ahead"] = 3 });

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Null(job.Hint);
        var prediction = ParsedOutput.Read<PredictionOutput>(job.Output)!;
        Assert.Equal([21, 22, 23], prediction.Gameweeks);
        Assert.Equal(5, prediction.TopN);
        Assert.Equal(3, prediction.Parameters["weeks_ahead"]!.GetValue<int>());
        Assert.Equal(20, prediction.Players.Count);
        Assert.Equal(new PredictedPlayer(1, "Martinez", 10.73, "GK", 5.0, "AVL", 1), prediction.Players[0]);
        Assert.Equal(new PredictedPlayer(5, "Roefs", 8.83, "GK", 4.8, "NEW", 5), prediction.Players[4]);
        Assert.Equal(new PredictedPlayer(6, "Mukiele", 14.49, "DEF", 4.6, "NEW", 1), prediction.Players[5]);
        Assert.Equal(new PredictedPlayer(12, "O.Dango", 18.70, "MID", 5.6, "BHA", 2), prediction.Players[11]);
        Assert.Equal(new PredictedPlayer(16, "Thiago", 22.86, "FWD", 7.2, "BHA", 1), prediction.Players[15]);
        Assert.Equal(new PredictedPlayer(17, "Haaland", 22.57, "FWD", 14.7, "LEE", 2), prediction.Players[16]);
        Assert.Equal(new PredictedPlayer(20, "Isidor", 14.06, "FWD", 5.0, "NEW", 5), prediction.Players[^1]);
        var log = await LogAsync(job.Id);
        Assert.Equal(recording.StdoutLines, log.Stdout);
        Assert.Equal(6771, log.Stdout.Count);
        Assert.Equal([""], log.Stderr);
    }

    [Fact]
    public async Task SetupInitialDb_Counts841Players_TwoSeasons_AndTheFirstSquad()
    {
        var recording = Play("setup_initial_db");

        var job = await RunAsync("setup_db", new JsonObject { ["n_previous"] = 1 });

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal("airsenal_setup_initial_db --n_previous 1", job.CommandLine);
        Assert.Null(job.Hint);
        var setup = ParsedOutput.Read<SetupDbOutput>(job.Output)!;
        Assert.Equal(841, setup.PlayersAdded);
        Assert.Equal(["2627", "2526"], setup.Seasons);
        Assert.False(setup.AlreadyExists);
        Assert.False(setup.Cleaned);
        Assert.True(setup.Done);
        Assert.Equal(15, setup.InitialSquad.Count);
        Assert.Equal(new InitialSquadPlayer("Areola", 1, 4.5), setup.InitialSquad[0]);
        Assert.Equal(new InitialSquadPlayer("M.Salah", 1, 14.0), setup.InitialSquad[5]);
        Assert.Equal(new InitialSquadPlayer("King", 1, 4.0), setup.InitialSquad[11]);
        Assert.Equal(new InitialSquadPlayer("Dalot", 1, 4.5), setup.InitialSquad[^1]);
        var log = await LogAsync(job.Id);
        Assert.Equal(recording.StdoutLines, log.Stdout);
        Assert.Equal(13227, log.Stdout.Count);
        Assert.Equal(StderrLines(recording.Stderr), log.Stderr);
        Assert.Contains(log.System, l => l.StartsWith("AIrsenal's database was saved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateDb_ReadsEachStep_And64TransfersEachWay()
    {
        var recording = Play("update_db");

        var job = await RunAsync("update_db");

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Null(job.Hint);
        var update = ParsedOutput.Read<UpdateDbOutput>(job.Output)!;
        Assert.False(update.DatabaseEmpty);
        Assert.True(update.PlayersUpToDate);
        Assert.Empty(update.PlayersAdded);
        Assert.True(update.AttributesUpdated);
        Assert.True(update.FixturesUpdated);
        Assert.Equal("up_to_date", update.Results);
        Assert.Equal("updated", update.Squad);
        Assert.Equal((64, 64), (update.TransfersIn, update.TransfersOut));
        var log = await LogAsync(job.Id);
        Assert.Equal(recording.StdoutLines, log.Stdout);
        Assert.Equal(1332, log.Stdout.Count);
        Assert.Empty(log.Stderr);
    }

    /// <summary>The recording's stdout lines as a terminal shows them: the answered prompt ends its line.</summary>
    internal static List<string> PromptApart(IReadOnlyList<string> lines) =>
        lines.SelectMany(l => l.StartsWith("the API. (y/n): ", StringComparison.Ordinal) && l.Length > 16 ? new[] { l[..16], l[16..] } : [l]).ToList();

    /// <summary>
    /// The lines a stream's text holds: split on \n; where tqdm redrew a line with \r only the last state is the
    /// line (the passing states are redraws, shown live and not stored); an unterminated tail is a line.
    /// </summary>
    internal static List<string> StderrLines(string text)
    {
        var lines = new List<string>();
        var parts = text.Split('\n');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].EndsWith('\r') ? parts[i][..^1] : parts[i];
            var last = part[(part.LastIndexOf('\r') + 1)..];
            if (i < parts.Length - 1 || last.Length > 0)
            {
                lines.Add(last);
            }
        }

        return lines;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    /// <summary>Waits on a condition, never on time (120 s: the machine is shared and setup replays 13,000 lines).</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {seconds} s");
            await Task.Delay(50);
        }
    }

    private Recording Play(string name)
    {
        _secrets[ReplayAirsenal.RecordingKey] = name;
        return ReplayAirsenal.Load(name);
    }

    private async Task<JobRecord> RunAsync(string command, JsonObject? parameters = null)
    {
        var job = await Jobs.CreateAsync(command, parameters, CancellationToken.None);
        return await WaitForFinishAsync(job.Id);
    }

    private async Task<JobRecord> WaitForFinishAsync(string id)
    {
        JobRecord? current = null;
        await WaitUntilAsync(async () => (current = await Jobs.GetAsync(id, CancellationToken.None)) is { IsFinished: true });
        return current!;
    }

    private async Task<(List<string> Stdout, List<string> Stderr, List<string> System)> LogAsync(string id)
    {
        var lines = new List<LogLine>();
        await foreach (var line in Jobs.ReadAllLogsAsync(id, CancellationToken.None))
        {
            lines.Add(line);
        }

        List<string> Of(LogSource source) => lines.Where(l => l.Source == source).Select(l => l.Text).ToList();
        return (Of(LogSource.Stdout), Of(LogSource.Stderr), Of(LogSource.System));
    }

    private sealed class ReplayFactory(Dictionary<string, string> secrets) : ConsoleFactory(new Dictionary<string, string?>
    {
        ["AIRSENAL_BIN_DIR"] = ReplayAirsenal.Directory,
        // Retries allowed, so "not retried" is the console's decision and not the setting's.
        ["MAX_JOB_RETRIES"] = "2",
        ["JOB_RETRY_DELAY_SECONDS"] = "1",
        // Python prints its KeyboardInterrupt traceback in each process only if SIGTERM does not come first: on a
        // loaded machine that takes seconds. The ladder moves on as soon as the leader is gone, so a long grace costs nothing.
        ["JOB_CANCEL_GRACE_SECONDS"] = "30",
    })
    {
        public string PersistentDb => Settings["PERSISTENT_DB_PATH"]!;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<ISecretReader>(new LiveSecrets(secrets)));
        }
    }

    /// <summary>Secrets the test can change before a job.</summary>
    private sealed class LiveSecrets(Dictionary<string, string> values) : ISecretReader
    {
        public Task<IReadOnlyDictionary<string, string>> ReadAllAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(values));
    }
}
