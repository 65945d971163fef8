namespace AirsenalOps.Core.Airsenal.Jobs;

/// <summary>
/// The job command names, written once. They are also the older console's names (the first five) and what jobs,
/// schedules and scripts store, so they never change.
/// </summary>
public static class AirsenalCommandNames
{
    public const string SetupDb = "setup_db";
    public const string UpdateDb = "update_db";
    public const string Predict = "predict";
    public const string Optimize = "optimize";
    public const string Pipeline = "pipeline";
    public const string MakeSquad = "make_squad";
    public const string MakeTransfers = "make_transfers";
    public const string SetLineup = "set_lineup";
    public const string CheckData = "check_data";
    public const string ReplaySeason = "replay_season";
}
