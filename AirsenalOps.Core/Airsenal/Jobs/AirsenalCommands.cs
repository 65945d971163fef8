using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Jobs.Commands;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Airsenal.Jobs;

/// <summary>
/// The AIrsenal commands the console runs (reference §2), with flags, types, ranges and defaults. The peer's five
/// keep their names and parameter names and gain optional parameters; the rest are new.
/// </summary>
public static class AirsenalCommands
{
    private static readonly string[] TeamId = ["FPL_TEAM_ID"];
    private static readonly string[] TeamAndLogin = ["FPL_TEAM_ID", "FPL_LOGIN", "FPL_PASSWORD"];

    /// <summary>Every command, each with hooks built from <paramref name="services"/>.</summary>
    public static IReadOnlyList<JobCommand> Build(AirsenalDatabase database, IOptions<AirsenalOptions> options, TimeProvider time)
    {
        AirsenalJobHooks Hooks(AirsenalHookSpec spec) => new(database, options, time, spec);
        return
        [
            PeerCommands.SetupDb with
            {
                Parameters =
                [
                    Destructive("clean", "Drop all tables and rebuild the database from scratch (everything AIrsenal stored is lost)."),
                    Int("n_previous", 1, 10, null, "Past seasons to load (AIrsenal's default is 3; allowed values depend on the season)."),
                    Flag("no_current_season", "Skip the current season's API data."),
                    ConfirmSwitch(),
                ],
                Hooks = Hooks(new AirsenalHookSpec { NoOpCodes = ["database_exists"] }),
            },
            PeerCommands.UpdateDb with
            {
                Parameters = [Flag("noattr", "Skip the player-attribute update (it is slow: one request per player).")],
                Hooks = Hooks(new AirsenalHookSpec { RequiredSecrets = TeamId, NoOpCodes = ["database_empty"] }),
            },
            PeerCommands.Predict with
            {
                Parameters =
                [
                    .. PeerCommands.Predict.Parameters,
                    Int("gameweek_start", 1, 38, null, "First gameweek to predict (default: the next one)."),
                    Flag("no_bonus", "Leave bonus points out of the predictions."),
                    Flag("no_cards", "Leave yellow/red card deductions out."),
                    Flag("no_saves", "Leave goalkeeper save points out."),
                    Flag("sampling", "Use the sampling player model (slower) instead of the conjugate one."),
                    Choice("team_model", ["extended", "neutral", "random"], "Team model (AIrsenal's default: extended)."),
                ],
                Hooks = Hooks(new AirsenalHookSpec()),
            },
            PeerCommands.Optimize with
            {
                Parameters =
                [
                    .. PeerCommands.Optimize.Parameters,
                    Int("num_free_transfers", 0, 5, null, "Free transfers available now (default: from FPL when logged in, else estimated)."),
                    Int("max_hit", 0, 100, null, "Most points to spend on hits over the horizon (AIrsenal's default: 8)."),
                    Flag("allow_unused", "Allow strategies that leave free transfers unused."),
                    Int("max_transfers", 0, 5, null, "Most transfers per gameweek (AIrsenal's default: 2; more is very slow)."),
                    Int("num_iterations", 1, 10_000, null, "Iterations for wildcard/free hit/3+ transfer searches (default: 100)."),
                    Int("num_thread", 1, 64, null, "Worker processes (AIrsenal's default: 4)."),
                    Text("tag", "Prediction tag to use (default: the latest)."),
                ],
                Hooks = Hooks(new AirsenalHookSpec
                {
                    RequiredSecrets = TeamId,
                    DeclineLogin = true,
                    ProgressBar = Parsers.ProgressParser.OptimiserBar,
                    CountStrategies = true,
                }),
            },
            PeerCommands.Pipeline with
            {
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
                Hooks = Hooks(new AirsenalHookSpec
                {
                    RequiredSecrets = TeamId,
                    DeclineLogin = true,
                    PipelineStages = true,
                    CountStrategies = true,
                }),
            },
            new JobCommand
            {
                Name = "make_squad",
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
                Hooks = Hooks(new AirsenalHookSpec()),
            },
            new JobCommand
            {
                Name = "make_transfers",
                Description = "Apply the latest suggested transfers to your real FPL team, then set the lineup. Cannot be undone; may cost points; does not play chips.",
                Executable = "airsenal_make_transfers",
                Parameters = [Confirm()],
                ArgumentBuilder = ConfirmArguments,
                RetrySafe = false,
                NeedsConfirm = true,
                AuditAs = AuditAction.TransfersApplied,
                MaxRunTime = TimeSpan.FromMinutes(30),
                Hooks = Hooks(new AirsenalHookSpec { RequiredSecrets = TeamAndLogin, CopyBack = false, NoOpCodes = ["no_suggestions"], RequiresConfirm = true }),
            },
            new JobCommand
            {
                Name = "set_lineup",
                Description = "Set the starting XI, captain and bench order of your real FPL team for the next gameweek (cancels an active triple captain or bench boost).",
                Executable = "airsenal_set_lineup",
                Parameters = [Confirm()],
                ArgumentBuilder = ConfirmArguments,
                RetrySafe = false,
                NeedsConfirm = true,
                MaxRunTime = TimeSpan.FromMinutes(30),
                Hooks = Hooks(new AirsenalHookSpec { RequiredSecrets = TeamAndLogin, CopyBack = false, RequiresConfirm = true }),
            },
            new JobCommand
            {
                Name = "check_data",
                Description = "Sanity-check the database (teams, fixtures, players, goals) for the current and 3 past seasons.",
                Executable = "airsenal_check_data",
                MaxRunTime = TimeSpan.FromHours(1),
                Hooks = Hooks(new AirsenalHookSpec { CopyBack = false }),
            },
            new JobCommand
            {
                Name = "replay_season",
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
                Hooks = Hooks(new AirsenalHookSpec { ProgressBar = Parsers.ProgressParser.ReplayBar }),
            },
        ];
    }

    /// <summary>--confirm only when the user confirmed; without it the command is not started at all.</summary>
    private static IReadOnlyList<string> ConfirmArguments(System.Text.Json.Nodes.JsonObject parameters) =>
        parameters["confirm"]?.GetValue<bool>() == true ? ["--confirm"] : [];

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
