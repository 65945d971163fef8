namespace AirsenalOps.Core.Jobs.Commands;

/// <summary>The five commands of the peer console, with the parameter rules AIrsenal's CLI accepts.</summary>
public static class PeerCommands
{
    private static CommandParameter WeeksAhead => new()
    {
        Name = "weeks_ahead",
        Type = ParameterType.Int,
        Default = 3L,
        Min = 1,
        Max = 38,
        Help = "How many gameweeks ahead to plan for.",
    };

    private static CommandParameter ChipWeek(string name, string chip) => new()
    {
        Name = name,
        Type = ParameterType.Int,
        Min = -1,
        Max = 38,
        Help = $"Gameweek to play the {chip} in: -1 never, 0 any week, N that gameweek. Leave empty for AIrsenal's default (never).",
    };

    public static JobCommand SetupDb { get; } = new()
    {
        Name = "setup_db",
        Description = "Build AIrsenal's database from past seasons and the FPL API (first run).",
        Executable = "airsenal_setup_initial_db",
        MaxRunTime = TimeSpan.FromHours(3),
    };

    public static JobCommand UpdateDb { get; } = new()
    {
        Name = "update_db",
        Description = "Pull the latest players, fixtures, results and transfers from the FPL API.",
        Executable = "airsenal_update_db",
        MaxRunTime = TimeSpan.FromHours(2),
    };

    public static JobCommand Predict { get; } = new()
    {
        Name = "predict",
        Description = "Predict player points for the coming gameweeks.",
        Executable = "airsenal_run_prediction",
        Parameters = [WeeksAhead],
        MaxRunTime = TimeSpan.FromHours(2),
    };

    public static JobCommand Optimize { get; } = new()
    {
        Name = "optimize",
        Description = "Search the best transfer strategy for your team.",
        Executable = "airsenal_run_optimization",
        Parameters =
        [
            WeeksAhead,
            ChipWeek("wildcard_week", "wildcard"),
            ChipWeek("free_hit_week", "free hit"),
            ChipWeek("triple_captain_week", "triple captain"),
            ChipWeek("bench_boost_week", "bench boost"),
        ],
        MaxRunTime = TimeSpan.FromHours(6),
    };

    public static JobCommand Pipeline { get; } = new()
    {
        Name = "pipeline",
        Description = "Update, predict and optimise in one run.",
        Executable = "airsenal_run_pipeline",
        MaxRunTime = TimeSpan.FromHours(8),
    };

    public static IReadOnlyList<JobCommand> All { get; } = [SetupDb, UpdateDb, Predict, Optimize, Pipeline];
}
