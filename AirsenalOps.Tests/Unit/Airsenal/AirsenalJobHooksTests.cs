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

public sealed class AirsenalJobHooksTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.Zero));
    private readonly AirsenalDatabase _database;
    private readonly IReadOnlyList<JobCommand> _commands;
    private readonly List<LogLine> _log = [];

    public AirsenalJobHooksTests()
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

    private (JobRunContext Context, AirsenalJobHooks Hooks) Context(string command, Dictionary<string, string>? secrets = null)
    {
        var cmd = _commands.Single(c => c.Name == command);
        var job = new JobRecord { Id = "job-1", Command = command, CreatedAt = _time.GetUtcNow() };
        var context = new JobRunContext(job, cmd, 1, [], secrets ?? new Dictionary<string, string> { ["FPL_TEAM_ID"] = "1" }, 1,
            (after, limit, _) => Task.FromResult<IReadOnlyList<LogLine>>(_log.Where(l => l.Seq > after).Take(limit).ToList()),
            (message, _) =>
            {
                _log.Add(new LogLine(_log.Count + 1, _time.GetUtcNow(), LogSource.System, message));
                return Task.CompletedTask;
            });
        return (context, (AirsenalJobHooks)cmd.Hooks);
    }

    private void Output(params string[] lines)
    {
        foreach (var line in lines)
        {
            _log.Add(new LogLine(_log.Count + 1, _time.GetUtcNow(), LogSource.Stdout, line));
        }
    }

    [Fact]
    public async Task Pipeline_ProgressFollowsTheStages_AndTheOptimiserBarWithinItsStage()
    {
        var (context, hooks) = Context("pipeline");
        await hooks.PrepareAsync(context, CancellationToken.None);

        Assert.Equal(10, hooks.OnLine(context, "Updating database..")!.Percent);
        Assert.Equal(30, hooks.OnLine(context, "Running prediction..")!.Percent);
        Assert.Null(hooks.OnLine(context, "Fitting team model..."));
        Assert.Equal(55, hooks.OnLine(context, "Running optimization..")!.Percent);
        Assert.Equal(72.5, hooks.OnLine(context, "Total progress:  50%|#####     | 5/10 [00:05<00:05]")!.Percent);
        Assert.Equal(100, hooks.OnLine(context, "Pipeline finished OK!")!.Percent);
    }

    [Fact]
    public async Task Pipeline_ThatStopsEarlyWithExitZero_IsFailed_AndTheDatabaseKept()
    {
        var (context, hooks) = Context("pipeline");
        await hooks.PrepareAsync(context, CancellationToken.None);
        Output("Running for FPL Team ID 1", "Updating database..", "Database updated failed: 429", "Do you want to continue? [y/n] ");

        var conclusion = await hooks.ConcludeAsync(context, new JobRunResult(0, false, false, null, TimeSpan.FromSeconds(3)), CancellationToken.None);

        Assert.Contains("stopped before finishing", conclusion.Error, StringComparison.Ordinal);
        Assert.False(conclusion.Retryable);
        Assert.Contains("pipeline", conclusion.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("pipeline", conclusion.Output!["type"]!.GetValue<string>());
        Assert.False(_database.InUse);
    }

    [Fact]
    public async Task Prepare_SetsTheDatabaseAndHomeVariables_AndDeclinesLoginOnlyWithoutCredentials()
    {
        var (context, hooks) = Context("optimize");
        var withoutLogin = await hooks.PrepareAsync(context, CancellationToken.None);
        await hooks.ConcludeAsync(context, new JobRunResult(1, false, false, "Exited with code 1.", TimeSpan.Zero), CancellationToken.None);
        var (loggedIn, _) = Context("optimize", new Dictionary<string, string> { ["FPL_TEAM_ID"] = "1", ["FPL_LOGIN"] = "a@b.c", ["FPL_PASSWORD"] = "x", ["AIRSENAL_HOME"] = _dir.File("secret-home") });
        var withLogin = await hooks.PrepareAsync(loggedIn, CancellationToken.None);

        Assert.Equal(_database.LocalPath, withoutLogin.Environment["AIRSENAL_DB_FILE"]);
        Assert.Equal(_dir.File("home"), withoutLogin.Environment["AIRSENAL_HOME"]);
        Assert.Equal("n\n", withoutLogin.StandardInput);
        Assert.Equal(["the API. (y/n): "], withoutLogin.StdoutEndsAfter);
        Assert.Null(withLogin.StandardInput);
        Assert.Empty(withLogin.StdoutEndsAfter);
        Assert.Equal(_dir.File("secret-home"), withLogin.Environment["AIRSENAL_HOME"]);
    }

    [Fact]
    public async Task Optimize_StrategyFilesCount_OnlyWhileNoBarIsDrawn_AndNeverOverTheBar()
    {
        var (context, hooks) = Context("optimize");
        await hooks.PrepareAsync(context, CancellationToken.None);
        var folder = Directory.CreateDirectory(Path.Combine(_dir.File("home"), "airsopt")).FullName;
        File.WriteAllText(Path.Combine(folder, "strategy_t_1.json"), "{}");
        File.WriteAllText(Path.Combine(folder, "strategy_t_2.json"), "{}");

        var filesOnly = hooks.OnLine(context, "Getting starting squad for 742663")!;
        var tooSoon = hooks.OnLine(context, "Starting with 2 free transfers");
        _time.Advance(TimeSpan.FromSeconds(2));
        var bar = hooks.OnLine(context, "Total progress:   7%|▋         | 1/27 [00:01<00:26]")!;
        File.WriteAllText(Path.Combine(folder, "strategy_t_3.json"), "{}");
        _time.Advance(TimeSpan.FromSeconds(2));
        var worker = hooks.OnLine(context, "strategy: 0-1:  60%|██████    | 60/100 [00:01<00:01]");

        Assert.Equal(new JobProgress(null, Done: 2), filesOnly);
        Assert.Null(tooSoon);
        Assert.Equal(new JobProgress(7, TimeSpan.FromSeconds(26), 1, 27), bar);
        Assert.Null(worker);
    }

    [Fact]
    public async Task Prepare_WithUnconfirmedTransfers_FailsWithoutTouchingTheDatabase()
    {
        var (context, hooks) = Context("set_lineup", new Dictionary<string, string> { ["FPL_TEAM_ID"] = "1", ["FPL_LOGIN"] = "a", ["FPL_PASSWORD"] = "b" });

        var preparation = await hooks.PrepareAsync(context, CancellationToken.None);

        Assert.Contains("confirm", preparation.Error, StringComparison.Ordinal);
        Assert.False(_database.InUse);
    }

    private void Replay(string recording)
    {
        foreach (var (source, text) in RealOutput.Recording(recording))
        {
            _log.Add(new LogLine(_log.Count + 1, _time.GetUtcNow(), source, text));
        }
    }

    [Fact]
    public async Task Optimize_RealRunWithoutLogin_SucceedsWithoutAHint_AndParsesStdoutOnly()
    {
        var (context, hooks) = Context("optimize");
        await hooks.PrepareAsync(context, CancellationToken.None);
        Replay("run_optimization.jsonl");
        foreach (var line in _log.Where(l => l.Source != LogSource.System).ToList())
        {
            hooks.OnLine(context, line.Text);
        }

        var conclusion = await hooks.ConcludeAsync(context, new JobRunResult(0, false, false, null, TimeSpan.FromSeconds(185)), CancellationToken.None);

        // The login prompt was answered "n" by the console, and "Credentials not provided." is its expected consequence.
        Assert.Null(conclusion.Hint);
        Assert.Null(conclusion.Error);
        Assert.Equal(199.5, conclusion.Output!["best_points"]!.GetValue<double>());
        Assert.Equal("Thiago", conclusion.Output["captain"]!.GetValue<string>());
        var summary = conclusion.Output["summary_text"]!.GetValue<string>();
        Assert.DoesNotContain("UserWarning", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Using DB instead", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("get_starting_squad(", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Optimize_RealDbUriConflict_FailsWithTheHint_AndIsNotRetried()
    {
        var (context, hooks) = Context("optimize");
        await hooks.PrepareAsync(context, CancellationToken.None);
        Replay("fail-db_file_and_db_uri.jsonl");

        var conclusion = await hooks.ConcludeAsync(context, new JobRunResult(1, false, false, "Exited with code 1.", TimeSpan.FromSeconds(1)), CancellationToken.None);

        Assert.False(conclusion.Retryable);
        // The banner's line is what AIrsenal said, not "Exited with code 1."; the hint says what to do.
        Assert.Equal("RuntimeError: Please choose only ONE of AIRSENAL_DB_FILE and AIRSENAL_DB_URI", conclusion.Error);
        Assert.Contains("AIRSENAL_DB_URI", conclusion.Hint, StringComparison.Ordinal);
        Assert.Equal(FailureRule.Reason(FailureKind.Configuration), conclusion.Recurs);
        Assert.Null(conclusion.Output);
    }

    [Theory]
    [InlineData("KeyError: 'element_type'", false)]
    [InlineData("sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) UNIQUE constraint failed: player.player_id", false)]
    [InlineData("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='fantasy.premierleague.com', port=443): Max retries exceeded", true)]
    [InlineData("requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://fantasy.premierleague.com/api/", true)]
    public async Task Predict_Traceback_FailsWithItsExceptionLine_RetriedOnlyWhenTransient(string exceptionLine, bool retried)
    {
        var (context, hooks) = Context("predict");
        Output("Traceback (most recent call last):", "  File \"/usr/local/bin/airsenal_run_prediction\", line 8, in <module>", "    sys.exit(main())", exceptionLine);

        var conclusion = await hooks.ConcludeAsync(context, new JobRunResult(1, false, false, "Exited with code 1.", TimeSpan.FromSeconds(1)), CancellationToken.None);

        Assert.Equal(exceptionLine, conclusion.Error);
        Assert.Equal(retried, conclusion.Retryable);
        Assert.Equal(retried ? null : FailureRule.Reason(FailureKind.Code), conclusion.Recurs);
    }

    [Fact]
    public async Task Optimize_LoginThatFailsWithCredentials_IsTheHintOfTheSuccessfulRun()
    {
        var (context, hooks) = Context("optimize", new Dictionary<string, string> { ["FPL_TEAM_ID"] = "742663", ["FPL_LOGIN"] = "a@b.c", ["FPL_PASSWORD"] = "x" });
        await hooks.PrepareAsync(context, CancellationToken.None);
        foreach (var line in RealOutput.Lines("login_with_credentials_vs_stub.txt"))
        {
            _log.Add(new LogLine(_log.Count + 1, _time.GetUtcNow(), LogSource.Stderr, line));
        }

        Output(RealOutput.Lines("run_optimization.stdout.txt"));

        var conclusion = await hooks.ConcludeAsync(context, new JobRunResult(0, false, false, null, TimeSpan.FromSeconds(100)), CancellationToken.None);

        Assert.Null(conclusion.Error);
        Assert.Contains("FPL login failed", conclusion.Hint, StringComparison.Ordinal);
        Assert.Equal(177.8, conclusion.Output!["baseline_points"]!.GetValue<double>());
    }
}
