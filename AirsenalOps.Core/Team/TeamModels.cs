namespace AirsenalOps.Core.Team;

/// <summary>The team's state cannot be shown (no gameweek started yet, or a bad team id).</summary>
public sealed class TeamUnavailableException(string message) : Exception(message);

// GET /api/team/current, in the peer console's exact shape (peer-console.md), plus team_name/manager_name.

public sealed record TeamGameweek(int Id, string? Name, DateTimeOffset? Deadline, bool IsCurrent);

public sealed record TeamPlayer(
    int PositionSlot,
    int PlayerId,
    string Name,
    string? Team,
    string? Position,
    int Multiplier,
    bool IsCaptain,
    bool IsViceCaptain,
    double NowCost,
    double? PointsPerGame,
    int EventPoints);

public sealed record EntrySummary(double Bank, double TeamValue, int TotalPoints, int EventPoints, int EventTransfers, int EventTransfersCost, int PointsOnBench);

public sealed record TeamCurrent(
    int TeamId,
    DateTimeOffset FetchedAt,
    TeamGameweek Gameweek,
    IReadOnlyList<TeamPlayer> Players,
    EntrySummary EntrySummary,
    string? TeamName,
    string? ManagerName,
    string? ActiveChip);

/// <summary>The next FPL deadline.</summary>
public sealed record NextDeadline(int Gameweek, string? Name, DateTimeOffset Deadline, double SecondsUntil);

/// <summary>A player in one squad but not the other.</summary>
public sealed record DiffPlayer(int? FplId, int? AirsenalId, string Name, string? Team, string? Position);

/// <summary>
/// The live FPL picks against the squad AIrsenal believes the team has. AIrsenal only learns of transfers
/// through update_db, so a difference usually means "run update_db" (or a free hit is active).
/// </summary>
public sealed record TeamDiff(
    int TeamId,
    int Gameweek,
    string AirsenalSeason,
    bool InSync,
    bool FreeHitActive,
    int Matching,
    IReadOnlyList<DiffPlayer> OnlyInFpl,
    IReadOnlyList<DiffPlayer> OnlyInAirsenal,
    string Advice);

/// <summary>A chip in the current half of the season: available, or played in <see cref="UsedInGameweek"/>.</summary>
public sealed record ChipLeft(string Name, string Label, bool Available, int? UsedInGameweek);

/// <summary>
/// What the manager can still do for <see cref="NextGameweek"/>, from the public entry history: free transfers
/// (worked out with FPL's rules, since only the logged-in my-team endpoint says it outright) and chips left.
/// </summary>
public sealed record TeamPlanning(int NextGameweek, int FreeTransfers, IReadOnlyList<ChipLeft> Chips);
