using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Reports;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Unit.Airsenal;

/// <summary>The whole plan from the real 1.15 printout, priced from the real database written by the same run.</summary>
public sealed class OptimisationPlanTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task RealRun_GivesEveryGameweek_WithPricesFromItsOwnRows_ScoresAndCaptaincy()
    {
        var suggestion = await RealPlans.SuggestionAsync(RealPlans.CopyDatabase(_data));
        var latest = RealPlans.Job(RealOutput.Lines("run_optimization.stdout.txt"), RealPlans.SuggestionTime.AddMinutes(-3), RealPlans.SuggestionTime.AddSeconds(2));

        var plan = OptimisationPlan.Build(latest, suggestion, TimeZoneInfo.Local)!;

        Assert.Equal(PlanSource.Printout, plan.Source);
        Assert.True(plan.MatchesDatabase);
        Assert.Equal((742663, "2627", false), (plan.FplTeamId, plan.Season, plan.NewSquad));
        Assert.Equal((177.8, 199.5), (plan.BaselinePoints, plan.StrategyPoints));
        Assert.Equal(21.7, plan.PointsGain!.Value, 3);
        Assert.Equal(("Thiago", "O.Dango", 21), (plan.Captain, plan.ViceCaptain, plan.LineupGameweek));
        Assert.Equal(
            [(21, (string?)null, (int?)0, (double?)5.4, (double?)53.7), (22, null, 0, 5.3, 73.7), (23, null, 0, 5.5, 88.5)],
            plan.Gameweeks.Select(g => (g.Gameweek, g.Chip, g.PointsHit, g.Bank, g.PredictedScore)));
        var first = Assert.Single(plan.Gameweeks[0].Transfers);
        Assert.Equal(new PlanPlayer("Foden", 513, 414, "LEE", "MID", 8.0), first.Out);
        Assert.Equal(new PlanPlayer("O.Dango", 176, 83, "BHA", "MID", 5.6), first.In);
        Assert.Equal(
            [("Wieffer", 4.8, "Wilson", 5.8), ("Woltemade", 6.7, "Calvert-Lewin", 5.8)],
            plan.Gameweeks[1].Transfers.Select(t => (t.Out!.Name, t.Out.Price!.Value, t.In!.Name, t.In.Price!.Value)));
        Assert.Equal(("Trossard", "ARS", "Sarr", "CRY"), (plan.Gameweeks[2].Transfers[0].Out!.Name, plan.Gameweeks[2].Transfers[0].Out!.Team,
            plan.Gameweeks[2].Transfers[0].In!.Name, plan.Gameweeks[2].Transfers[0].In!.Team));
        Assert.Equal(["Foden", "Wieffer", "Woltemade", "Trossard"], plan.SellsFromCurrentSquad().Select(p => p.Name));
    }

    [Fact]
    public async Task ChipWeekWithoutTransfers_IsAGameweekOfThePlan_ThoughTheDatabaseHasNoRowForIt()
    {
        // A triple captain in GW22 with no transfers: AIrsenal writes rows for GW21 and GW23 only.
        var path = RealPlans.CopyDatabase(_data);
        RealPlans.Execute(path, "DELETE FROM transfer_suggestion WHERE gameweek = 22");
        var suggestion = await RealPlans.SuggestionAsync(path);
        // Far from the run's time on purpose: the rows are recognised by their transfers too.
        var latest = RealPlans.Job(RealPlans.WithTripleCaptainInGameweek22(), RealPlans.SuggestionTime.AddHours(-5), RealPlans.SuggestionTime.AddHours(-4).AddMinutes(-50));

        var plan = OptimisationPlan.Build(latest, suggestion, TimeZoneInfo.Local)!;

        Assert.True(plan.MatchesDatabase);
        Assert.Equal([21, 22, 23], plan.Gameweeks.Select(g => g.Gameweek));
        var chipWeek = plan.Gameweeks[1];
        Assert.Equal(("triple_captain", 0, 5.3, 81.2), (chipWeek.Chip, chipWeek.PointsHit, chipWeek.Bank, chipWeek.PredictedScore));
        Assert.Empty(chipWeek.Transfers);
        Assert.Equal(5.6, plan.Gameweeks[0].Transfers[0].In!.Price);
        // Nothing from the database alone keeps that week.
        Assert.Equal([21, 23], OptimisationPlan.Build(null, suggestion, TimeZoneInfo.Local)!.Gameweeks.Select(g => g.Gameweek));
    }

    [Fact]
    public async Task NewerRunWithoutTransfers_IsThePlan_AndTheOlderRowsAreNotItsOwn()
    {
        var suggestion = await RealPlans.SuggestionAsync(RealPlans.CopyDatabase(_data));
        var printout = RealOutput.Lines("run_optimization.stdout.txt")
            .Select(l => l is "| Foden       | O.Dango    |" or "| Wieffer     | Wilson        |" or "| Woltemade   | Calvert-Lewin |" or "| Trossard    | Sarr       |" ? "| None | None |" : l)
            .ToArray();
        var latest = RealPlans.Job(printout, RealPlans.SuggestionTime.AddDays(1), RealPlans.SuggestionTime.AddDays(1).AddMinutes(3));

        var plan = OptimisationPlan.Build(latest, suggestion, TimeZoneInfo.Local)!;

        Assert.Equal(PlanSource.Printout, plan.Source);
        Assert.False(plan.MatchesDatabase);
        Assert.All(plan.Gameweeks, g => Assert.Empty(g.Transfers));
        Assert.Equal(3, plan.Gameweeks.Count);
    }

    [Fact]
    public async Task DatabaseRunNewerThanTheNewestJob_IsShownFromTheDatabase()
    {
        var suggestion = await RealPlans.SuggestionAsync(RealPlans.CopyDatabase(_data));
        var older = RealOutput.Lines("run_optimization.stdout.txt").Select(l => l.Replace("Foden       | O.Dango", "Semenyo     | O.Dango", StringComparison.Ordinal)).ToArray();
        var latest = RealPlans.Job(older, RealPlans.SuggestionTime.AddDays(-1), RealPlans.SuggestionTime.AddDays(-1).AddMinutes(3));

        var plan = OptimisationPlan.Build(latest, suggestion, TimeZoneInfo.Local)!;

        Assert.Equal(PlanSource.Database, plan.Source);
        Assert.Null(plan.JobId);
        Assert.Equal("2026-12-07 11:59:25.671277", plan.SuggestionTimestamp);
        Assert.Equal([("Foden", "O.Dango")], plan.Gameweeks[0].Transfers.Select(t => (t.Out!.Name, t.In!.Name)));
        Assert.Null(plan.Gameweeks[0].PredictedScore);
        Assert.Equal(RealPlans.SuggestionTime, plan.MadeAt);
    }

    [Fact]
    public void RealMakeSquad_IsANewSquad_WithItsNextGameweeksExpectedPoints()
    {
        var squad = SquadParser.Parse(RealOutput.Lines("make_squad.stdout.txt"))!;
        var job = new JobRecord { Id = "squad-job", Command = "make_squad", Status = JobStatus.Completed, Output = OutputText.ToJsonObject(squad) };

        var plan = OptimisationPlan.Build(LatestOptimisation.FromJob(job), null, TimeZoneInfo.Local)!;

        Assert.True(plan.NewSquad);
        Assert.Equal((21, 55.35), (plan.NextGameweek!.Value, plan.NextGameweekPoints!.Value));
        Assert.Null(plan.PointsGain);
        Assert.Equal(194.18, plan.StrategyPoints);
        Assert.Equal(("Thiago", "B.Fernandes"), (plan.Captain, plan.ViceCaptain));
        var gameweek = Assert.Single(plan.Gameweeks);
        Assert.Equal(15, gameweek.Transfers.Count);
        Assert.Equal(new PlanPlayer("Martinez", Team: "AVL", Position: "GK", Price: 5.0), gameweek.Transfers[0].In);
        Assert.Empty(plan.SellsFromCurrentSquad());
    }

    [Fact]
    public void APlayerBoughtEarlierInThePlan_IsNotASaleFromTheCurrentSquad()
    {
        var plan = new OptimisationPlan(PlanSource.Printout, "j", "optimize", null, null, null, 1, null, false, null, null, null, null, null,
            [
                new PlanGameweek(21, [new PlanTransfer(new PlanPlayer("Foden"), new PlanPlayer("Sarr"))], null, 0, 1, 50),
                new PlanGameweek(22, [new PlanTransfer(new PlanPlayer("Sarr"), new PlanPlayer("Wilson")), new PlanTransfer(new PlanPlayer("Wieffer"), new PlanPlayer("Rogers"))], null, 0, 1, 50),
            ],
            null, null, null, false);

        Assert.Equal(["Foden", "Wieffer"], plan.SellsFromCurrentSquad().Select(p => p.Name));
    }

    [Fact]
    public void APrediction_FinishedAfterThePlanStarted_MakesItOlder_ButNotThePlansOwnPipeline()
    {
        var latest = RealPlans.Job(RealOutput.Lines("run_optimization.stdout.txt"), RealPlans.SuggestionTime.AddMinutes(-3), RealPlans.SuggestionTime);
        var plan = OptimisationPlan.Build(latest, null, TimeZoneInfo.Local)!;
        JobRecord Prediction(string id, DateTimeOffset completed) => new() { Id = id, Command = "predict", Status = JobStatus.Completed, CompletedAt = completed };

        Assert.True(plan.IsOlderThan(Prediction("p1", RealPlans.SuggestionTime.AddMinutes(1))));
        Assert.False(plan.IsOlderThan(Prediction("p2", RealPlans.SuggestionTime.AddMinutes(-4))));
        Assert.False(plan.IsOlderThan(Prediction(latest.Job.Id, RealPlans.SuggestionTime.AddMinutes(1))));
        Assert.False(plan.IsOlderThan(null));
    }

    [Fact]
    public void Timestamps_AreAIrsenalsLocalTime_WithOrWithoutMicroseconds()
    {
        var utc = TimeZoneInfo.Utc;

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 11, 59, 25, 671, TimeSpan.Zero).AddTicks(2770), OptimisationPlan.ParseTimestamp("2026-12-07 11:59:25.671277", utc));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), OptimisationPlan.ParseTimestamp("2026-11-27 09:00:00", utc));
        Assert.Null(OptimisationPlan.ParseTimestamp("yesterday", utc));
        Assert.Null(OptimisationPlan.ParseTimestamp(null, utc));
    }
}

/// <summary>The real optimisation run: its printout as a finished job and its database (a copy).</summary>
internal static class RealPlans
{
    /// <summary>The run's transfer_suggestion timestamp, "2026-12-07 11:59:25.671277" in the console's zone.</summary>
    public static DateTimeOffset SuggestionTime => OptimisationPlan.ParseTimestamp("2026-12-07 11:59:25.671277", TimeZoneInfo.Local)!.Value;

    public static string DatabaseFixture => Path.Combine(AppContext.BaseDirectory, "Fixtures", "airsenal-real", "data-after-optimisation.db");

    public static string CopyDatabase(TempDirectory data, string name = "airsenal.db")
    {
        var path = data.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(DatabaseFixture, path, overwrite: true);
        return path;
    }

    public static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static Task<TransferSuggestionReport> SuggestionAsync(string path) =>
        new AirsenalReports(Options.Create(new AirsenalOptions { PersistentDbPath = path })).GetLatestTransferSuggestionAsync(null, CancellationToken.None);

    public static JobRecord JobRecord(string[] stdout, DateTimeOffset started, DateTimeOffset completed, string? id = null) => new()
    {
        Id = id ?? Guid.NewGuid().ToString(),
        Command = "optimize",
        Status = JobStatus.Completed,
        CreatedAt = started,
        StartedAt = started,
        CompletedAt = completed,
        Output = AirsenalOutputParser.Parse("optimize", stdout, completed),
    };

    public static LatestOptimisation Job(string[] stdout, DateTimeOffset started, DateTimeOffset completed) =>
        LatestOptimisation.FromJob(JobRecord(stdout, started, completed))!;

    /// <summary>The real printout with GW22 made a triple-captain week without transfers (as AIrsenal prints one).</summary>
    public static string[] WithTripleCaptainInGameweek22()
    {
        var lines = RealOutput.Lines("run_optimization.stdout.txt").ToList();
        var start = lines.IndexOf("GAMEWEEK 22:");
        var end = lines.IndexOf("GAMEWEEK 23:");
        string[] chipWeek =
        [
            "GAMEWEEK 22:", "", "+-------------+------------+", "| Players Out | Players In |", "+-------------+------------+",
            "| None        | None       |", "+-------------+------------+", "Chip Played: triple_captain", "Points Hit: 0pts", "Bank: £5.3m",
            "Predicted Score: 81.2pts", "",
        ];
        lines.RemoveRange(start, end - start);
        lines.InsertRange(start, chipWeek);
        return [.. lines];
    }
}

/// <summary>A finished optimise job's own output carries the priced plan, read from the run's working copy before it is saved.</summary>
public sealed class OptimisationPlanOutputTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(RealPlans.SuggestionTime.AddSeconds(2));
    private readonly AirsenalDatabase _database;
    private readonly IReadOnlyList<JobCommand> _commands;
    private readonly List<LogLine> _log = [];

    public OptimisationPlanOutputTests()
    {
        var options = Options.Create(new AirsenalOptions
        {
            PersistentDbPath = RealPlans.CopyDatabase(_dir, "persistent/data.db"),
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

    [Fact]
    public async Task RealRun_OutputKeepsThePeersFields_AndAddsThePlanWithPrices()
    {
        var command = _commands.Single(c => c.Name == "optimize");
        var job = new JobRecord { Id = "job-1", Command = "optimize", CreatedAt = RealPlans.SuggestionTime.AddMinutes(-3), StartedAt = RealPlans.SuggestionTime.AddMinutes(-3) };
        var context = new JobRunContext(job, command, 1, [], new Dictionary<string, string> { ["FPL_TEAM_ID"] = "742663" }, 1,
            (after, limit, _) => Task.FromResult<IReadOnlyList<LogLine>>(_log.Where(l => l.Seq > after).Take(limit).ToList()),
            (message, _) =>
            {
                _log.Add(new LogLine(_log.Count + 1, _time.GetUtcNow(), LogSource.System, message));
                return Task.CompletedTask;
            });
        var hooks = (AirsenalJobHooks)command.Hooks;
        await hooks.PrepareAsync(context, CancellationToken.None);
        foreach (var line in RealOutput.Lines("run_optimization.stdout.txt"))
        {
            _log.Add(new LogLine(_log.Count + 1, _time.GetUtcNow(), LogSource.Stdout, line));
        }

        var conclusion = await hooks.ConcludeAsync(context, new JobRunResult(0, false, false, null, TimeSpan.FromSeconds(185)), CancellationToken.None);

        var output = conclusion.Output!;
        Assert.Equal(("optimisation", 199.5, "Thiago"), (output["type"]!.GetValue<string>(), output["best_points"]!.GetValue<double>(), output["captain"]!.GetValue<string>()));
        Assert.Equal("Foden", output["transfers"]![0]!["out"]!.GetValue<string>());
        var plan = output["plan"]!;
        Assert.True(plan["matches_database"]!.GetValue<bool>());
        Assert.Equal(3, plan["gameweeks"]!.AsArray().Count);
        var first = plan["gameweeks"]![0]!["transfers"]![0]!;
        Assert.Equal(("Foden", 8.0, "O.Dango", 5.6), (first["out"]!["name"]!.GetValue<string>(), first["out"]!["price"]!.GetValue<double>(),
            first["in"]!["name"]!.GetValue<string>(), first["in"]!["price"]!.GetValue<double>()));
        Assert.Equal(88.5, plan["gameweeks"]![2]!["predicted_score"]!.GetValue<double>());
        // A stored output with "plan" still reads as the parser's record.
        Assert.NotNull(ParsedOutput.Read<OptimisationOutput>(output));
    }
}
