using System.Text.Json.Nodes;
using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Jobs.Commands;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Airsenal.Jobs;

/// <summary>
/// The registry of the AIrsenal commands the console runs (reference §2): one <see cref="AirsenalCommand"/> each, with
/// flags, types, ranges and defaults, its parser and output kinds, and its pipeline stage. The older console's five
/// keep their names and parameter names and gain optional parameters; the rest are new. Everything else (the job
/// catalogue, the output parser, the pipeline's stages, the job page's views) reads this list.
/// </summary>
public static class AirsenalCommands
{
    private static readonly string[] TeamId = ["FPL_TEAM_ID"];
    private static readonly string[] TeamAndLogin = ["FPL_TEAM_ID", "FPL_LOGIN", "FPL_PASSWORD"];
    private static readonly string[] ChipWeeks = ["wildcard_week", "free_hit_week", "triple_captain_week", "bench_boost_week"];

    private static readonly OutputKind Prediction = new("prediction", typeof(PredictionOutput));
    private static readonly OutputKind Optimisation = new("optimisation", typeof(OptimisationOutput));
    private static readonly OutputKind Squad = new("squad", typeof(SquadOutput));

    /// <summary>Every command, in catalogue order.</summary>
    public static IReadOnlyList<AirsenalCommand> All { get; } =
    [
        new()
        {
            Command = new JobCommand
            {
                Name = AirsenalCommandNames.SetupDb,
                Description = "Build AIrsenal's database from past seasons and the FPL API (first run).",
                Executable = "airsenal_setup_initial_db",
                Parameters =
                [
                    Destructive("clean", "Drop all tables and rebuild the database from scratch (everything AIrsenal stored is lost)."),
                    Int("n_previous", 1, 10, null, "Past seasons to load (AIrsenal's default is 3; allowed values depend on the season)."),
                    Flag("no_current_season", "Skip the current season's API data."),
                    ConfirmSwitch(),
                ],
                MaxRunTime = TimeSpan.FromHours(3),
            },
            Run = new AirsenalHookSpec { NoOpCodes = ["database_exists"] },
            Parser = (lines, _, _) => SetupDbParser.ParseToJson(lines),
            Outputs = [new(AirsenalCommandNames.SetupDb, typeof(SetupDbOutput))],
            Stage = new(AirsenalCommandNames.SetupDb, [new("Setting up Database..", "Database setup complete.."), new("Found pre-existing AIrsenal database.", null, DoneAtStart: true)], 0, 10),
            Peer = true,
        },
        new()
        {
            Command = new JobCommand
            {
                Name = AirsenalCommandNames.UpdateDb,
                Description = "Pull the latest players, fixtures, results and transfers from the FPL API.",
                Executable = "airsenal_update_db",
                Parameters = [Flag("noattr", "Skip the player-attribute update (it is slow: one request per player).")],
                MaxRunTime = TimeSpan.FromHours(2),
            },
            Run = new AirsenalHookSpec { RequiredSecrets = TeamId, NoOpCodes = ["database_empty"] },
            Parser = (lines, _, _) => UpdateDbParser.ParseToJson(lines),
            Outputs = [new(AirsenalCommandNames.UpdateDb, typeof(UpdateDbOutput))],
            Stage = new(AirsenalCommandNames.UpdateDb, [new("Updating database..", "Database update complete..")], 10, 20),
            Peer = true,
        },
        new()
        {
            Command = new JobCommand
            {
                Name = AirsenalCommandNames.Predict,
                Description = "Predict player points for the coming gameweeks.",
                Executable = "airsenal_run_prediction",
                Parameters =
                [
                    WeeksAhead(),
                    Int("gameweek_start", 1, 38, null, "First gameweek to predict (default: the next one)."),
                    Flag("no_bonus", "Leave bonus points out of the predictions."),
                    Flag("no_cards", "Leave yellow/red card deductions out."),
                    Flag("no_saves", "Leave goalkeeper save points out."),
                    Flag("sampling", "Use the sampling player model (slower) instead of the conjugate one."),
                    Choice("team_model", ["extended", "neutral", "random"], "Team model (AIrsenal's default: extended)."),
                ],
                MaxRunTime = TimeSpan.FromHours(2),
            },
            Parser = PredictionParser.ParseToJson,
            Outputs = [Prediction],
            Stage = new(AirsenalCommandNames.Predict, [new("Running prediction..", "Prediction complete..")], 30, 25),
            Peer = true,
            PeerParameters = ["weeks_ahead"],
        },
        new()
        {
            Command = new JobCommand
            {
                Name = AirsenalCommandNames.Optimize,
                Description = "Search the best transfer strategy for your team.",
                Executable = "airsenal_run_optimization",
                Parameters =
                [
                    WeeksAhead(),
                    PeerChipWeek("wildcard_week", "wildcard"),
                    PeerChipWeek("free_hit_week", "free hit"),
                    PeerChipWeek("triple_captain_week", "triple captain"),
                    PeerChipWeek("bench_boost_week", "bench boost"),
                    Int("num_free_transfers", 0, 5, null, "Free transfers available now (default: from FPL when logged in, else estimated)."),
                    Int("max_hit", 0, 100, null, "Most points to spend on hits over the horizon (AIrsenal's default: 8)."),
                    Flag("allow_unused", "Allow strategies that leave free transfers unused."),
                    Int("max_transfers", 0, 5, null, "Most transfers per gameweek (AIrsenal's default: 2; more is very slow)."),
                    Int("num_iterations", 1, 10_000, null, "Iterations for wildcard/free hit/3+ transfer searches (default: 100)."),
                    Int("num_thread", 1, 64, null, "Worker processes (AIrsenal's default: 4)."),
                    Text("tag", "Prediction tag to use (default: the latest)."),
                ],
                MaxRunTime = TimeSpan.FromHours(6),
            },
            Run = new AirsenalHookSpec
            {
                RequiredSecrets = TeamId,
                DeclineLogin = true,
                ProgressBar = ProgressParser.OptimiserBar,
                CountStrategies = true,
            },
            // A new team makes the optimiser build a squad from scratch instead of a strategy.
            Parser = (lines, _, _) => OptimisationParser.ParseToJson(lines) ?? SquadParser.ParseToJson(lines),
            Outputs = [Optimisation, Squad],
            Stage = new(AirsenalCommandNames.Optimize, [new("Running optimization..", "Optimization complete..")], 55, 35),
            Peer = true,
            PeerParameters = ["weeks_ahead", .. ChipWeeks],
        },
        new()
        {
            Command = new JobCommand
            {
                Name = AirsenalCommandNames.Pipeline,
                Description = "Update, predict and optimise in one run.",
                Executable = "airsenal_run_pipeline",
                // --apply_transfers is left out on purpose: it prompts with no way to confirm non-interactively.
                Parameters =
                [
                    Int("weeks_ahead", 1, 38, null, "How many gameweeks ahead to plan for (AIrsenal's default: 3)."),
                    Int("num_thread", 1, 64, null, "Worker processes (default: the number of CPUs)."),
                    Destructive("clean", "Rebuild the database from scratch first (everything AIrsenal stored is lost)."),
                    ChipWeek("wildcard_week", "wildcard"),
                    ChipWeek("free_hit_week", "free hit"),
                    ChipWeek("triple_captain_week", "triple captain"),
                    ChipWeek("bench_boost_week", "bench boost"),
                    Int("n_previous", 1, 10, null, "Past seasons to load when the database is built."),
                    Flag("no_current_season", "Skip the current season's API data when the database is built."),
                    Choice("team_model", ["extended", "neutral"], "Team model (AIrsenal's default: extended)."),
                    Int("max_transfers", 0, 5, null, "Most transfers per gameweek (default: 2)."),
                    Int("max_hit", 0, 100, null, "Most points to spend on hits (default: 8)."),
                    Flag("allow_unused", "Allow strategies that leave free transfers unused."),
                    ConfirmSwitch(),
                ],
                MaxRunTime = TimeSpan.FromHours(8),
            },
            Run = new AirsenalHookSpec
            {
                RequiredSecrets = TeamId,
                DeclineLogin = true,
                PipelineStages = true,
                CountStrategies = true,
            },
            Parser = PipelineParser.Parse,
            Outputs = [new(AirsenalCommandNames.Pipeline, typeof(JsonObject))],
            Peer = true,
        },
        new()
        {
            Command = new JobCommand
            {
                Name = AirsenalCommandNames.MakeSquad,
                Description = "Build a 15-player squad from scratch (before gameweek 1 or for a new team).",
                Executable = "airsenal_make_squad",
                Parameters =
                [
                    Int("budget", 500, 2000, null, "Budget in tenths of £m (AIrsenal's default: 1000 = £100m)."),
                    Int("gameweek_start", 1, 38, null, "First gameweek to optimise for."),
                    Int("num_gameweeks", 1, 38, null, "Gameweeks to optimise over (default: 3)."),
                    Int("num_generations", 1, 10_000, null, "Genetic algorithm generations (default: 100)."),
                    Int("population_size", 2, 10_000, null, "Genetic algorithm population (default: 100)."),
                    Int("tournament_size", 2, 100, null, "Tournament size for selection (default: 3)."),
                    Flag("no_subs", "Do not optimise the substitutes."),
                    Flag("include_zero", "Include players predicted to score zero."),
                ],
                MaxRunTime = TimeSpan.FromHours(3),
            },
            Parser = (lines, _, _) => SquadParser.ParseToJson(lines),
            Outputs = [Squad],
            Stage = new(AirsenalCommandNames.MakeSquad, [new("Generating a squad..", "Optimization complete..")], 55, 35),
        },
        new()
        {
            Command = new JobCommand
            {
                Name = AirsenalCommandNames.MakeTransfers,
                Description = "Apply the latest suggested transfers to your real FPL team, then set the lineup. Cannot be undone; may cost points; does not play chips.",
                Executable = "airsenal_make_transfers",
                Parameters = [Confirm()],
                ArgumentBuilder = ConfirmArguments,
                RetrySafe = false,
                NeedsConfirm = true,
                AuditAs = AuditAction.TransfersApplied,
                MaxRunTime = TimeSpan.FromMinutes(30),
            },
            Run = new AirsenalHookSpec { RequiredSecrets = TeamAndLogin, CopyBack = false, NoOpCodes = ["no_suggestions"], RequiresConfirm = true },
            Stage = new(AirsenalCommandNames.MakeTransfers, [new("Applying suggested transfers...", null)], 90, 5),
        },
        new()
        {
            Command = new JobCommand
            {
                Name = AirsenalCommandNames.SetLineup,
                Description = "Set the starting XI, captain and bench order of your real FPL team for the next gameweek (cancels an active triple captain or bench boost).",
                Executable = "airsenal_set_lineup",
                Parameters = [Confirm()],
                ArgumentBuilder = ConfirmArguments,
                RetrySafe = false,
                NeedsConfirm = true,
                MaxRunTime = TimeSpan.FromMinutes(30),
            },
            Run = new AirsenalHookSpec { RequiredSecrets = TeamAndLogin, CopyBack = false, RequiresConfirm = true },
            Parser = (lines, _, _) => SetLineupParser.ParseToJson(lines),
            // No view yet: the job page shows the lineup document as stored.
            Outputs = [new("lineup", null)],
            Stage = new(AirsenalCommandNames.SetLineup, [new("Setting Lineup...", null)], 95, 4),
        },
        new()
        {
            Command = new JobCommand
            {
                Name = AirsenalCommandNames.CheckData,
                Description = "Sanity-check the database (teams, fixtures, players, goals) for the current and 3 past seasons.",
                Executable = "airsenal_check_data",
                MaxRunTime = TimeSpan.FromHours(1),
            },
            Run = new AirsenalHookSpec { CopyBack = false },
            Parser = (lines, _, _) => DataCheckParser.ParseToJson(lines),
            Outputs = [new("data_checks", typeof(DataCheckOutput))],
        },
        new()
        {
            Command = new JobCommand
            {
                Name = AirsenalCommandNames.ReplaySeason,
                Description = "Back-test AIrsenal on a past season (writes replay predictions and transactions).",
                Executable = "airsenal_replay_season",
                Parameters =
                [
                    Text("season", "Season to replay, e.g. 2425.", required: true, maxLength: 4),
                    Int("gameweek_start", 1, 38, null, "First gameweek (default: 1)."),
                    Int("gameweek_end", 1, 38, null, "Last gameweek (default: the season's last)."),
                    Int("weeks_ahead", 1, 38, null, "Gameweeks ahead per step (default: 3)."),
                    Int("num_thread", 1, 64, null, "Worker processes (default: 4)."),
                    Int("loop", 1, 100, null, "How many replays to run (default: 1)."),
                    Choice("team_model", ["extended", "random"], "Team model (default: extended)."),
                    Int("max_transfers", 0, 5, null, "Most transfers per gameweek (default: 2)."),
                ],
                MaxRunTime = TimeSpan.FromHours(48),
            },
            Run = new AirsenalHookSpec { ProgressBar = ProgressParser.ReplayBar },
        },
    ];

    private static readonly Dictionary<string, AirsenalCommand> ByName = All.ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>The pipeline's last stage, which is no command of its own.</summary>
    private static readonly PipelineStep SaveAbsences = new("save_absences", [new("Saving absences to csv...", null)], 99, 1);

    /// <summary>The stages airsenal_run_pipeline goes through: the commands it runs on the way, then saving absences.</summary>
    public static IReadOnlyList<PipelineStep> PipelineSteps { get; } = [.. All.Select(c => c.Stage).OfType<PipelineStep>(), SaveAbsences];

    /// <summary>The older console's five commands as it defined them (peer-console.md): its parameters, no hooks.</summary>
    public static IReadOnlyList<JobCommand> Peer { get; } = [.. All.Where(c => c.Peer).Select(c => c.PeerCommand)];

    public static AirsenalCommand? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The job commands, each built once with its hooks from the given services.</summary>
    public static IReadOnlyList<JobCommand> Build(AirsenalDatabase database, IOptions<AirsenalOptions> options, TimeProvider time) =>
        [.. All.Select(c => c.Command with { Hooks = new AirsenalJobHooks(database, options, time, c.Run) })];

    /// <summary>--confirm only when the user confirmed; without it the command is not started at all.</summary>
    private static IReadOnlyList<string> ConfirmArguments(JsonObject parameters) =>
        parameters[CommandCatalogue.ConfirmParameter]?.GetValue<bool>() == true ? ["--confirm"] : [];

    private static CommandParameter Confirm() => new()
    {
        Name = "confirm",
        Type = ParameterType.Bool,
        Required = true,
        Help = "Must be true: this changes your real FPL team.",
    };

    private static CommandParameter Flag(string name, string help) => new() { Name = name, Type = ParameterType.Bool, Help = help };

    private static CommandParameter Destructive(string name, string help) => Flag(name, help) with { Destructive = true };

    /// <summary>The yes a destructive option needs; AIrsenal has no such flag, so it stays with the console.</summary>
    private static CommandParameter ConfirmSwitch() => new()
    {
        Name = CommandCatalogue.ConfirmParameter,
        Type = ParameterType.Bool,
        ConsoleOnly = true,
        Help = "Must be true together with clean: the database is rebuilt from scratch.",
    };

    private static CommandParameter Int(string name, long min, long max, long? defaultValue, string help) => new()
    {
        Name = name,
        Type = ParameterType.Int,
        Min = min,
        Max = max,
        Default = defaultValue,
        Help = help,
    };

    private static CommandParameter WeeksAhead() => Int("weeks_ahead", 1, 38, 3, "How many gameweeks ahead to plan for.");

    /// <summary>The older console's chip week, with its help text (the optimiser's form shows it).</summary>
    private static CommandParameter PeerChipWeek(string name, string chip) =>
        Int(name, -1, 38, null, $"Gameweek to play the {chip} in: -1 never, 0 any week, N that gameweek. Leave empty for AIrsenal's default (never).");

    private static CommandParameter ChipWeek(string name, string chip) =>
        Int(name, -1, 38, null, $"Gameweek to play the {chip} in: -1 never, 0 any week, N that gameweek (default: never).");

    private static CommandParameter Choice(string name, IReadOnlyList<string> choices, string help) => new()
    {
        Name = name,
        Type = ParameterType.Enum,
        Choices = choices,
        Help = help,
    };

    private static CommandParameter Text(string name, string help, bool required = false, int maxLength = 100) => new()
    {
        Name = name,
        Type = ParameterType.String,
        Required = required,
        MaxLength = maxLength,
        Help = help,
    };
}
