namespace AirsenalOps.Core.Team;

// The FPL API's response shapes (reference §7), only the fields the console reads. snake_case on the wire.

public sealed record FplBootstrap(
    IReadOnlyList<FplEvent> Events,
    IReadOnlyList<FplElement> Elements,
    IReadOnlyList<FplTeam> Teams,
    IReadOnlyList<FplElementType> ElementTypes);

public sealed record FplEvent(int Id, string? Name, DateTimeOffset? DeadlineTime, bool Finished, bool IsCurrent, bool IsNext);

public sealed record FplElement(
    int Id,
    string? FirstName,
    string? SecondName,
    string? WebName,
    int ElementType,
    int Team,
    int NowCost,
    string? PointsPerGame,
    int EventPoints,
    int TotalPoints);

public sealed record FplTeam(int Id, int Code, string? ShortName, string? Name);

public sealed record FplElementType(int Id, string? SingularNameShort);

public sealed record FplPicks(string? ActiveChip, FplEntryHistory? EntryHistory, IReadOnlyList<FplPick> Picks);

public sealed record FplPick(int Element, int Position, int Multiplier, bool IsCaptain, bool IsViceCaptain);

public sealed record FplEntryHistory(int Event, int Points, int TotalPoints, int Bank, int Value, int EventTransfers, int EventTransfersCost, int PointsOnBench);

public sealed record FplEntry(
    int Id,
    string? Name,
    string? PlayerFirstName,
    string? PlayerLastName,
    int? CurrentEvent,
    int? SummaryOverallPoints,
    int? SummaryOverallRank,
    int? SummaryEventPoints);

/// <summary>GET entry/{id}/history/: the season so far per gameweek, and the chips played.</summary>
public sealed record FplHistory(IReadOnlyList<FplHistoryEvent> Current, IReadOnlyList<FplChipPlay>? Chips);

public sealed record FplHistoryEvent(int Event, int Points, int TotalPoints, int Bank, int Value, int EventTransfers, int EventTransfersCost, int PointsOnBench);

/// <summary>A chip played: FPL's name (wildcard, freehit, bboost, 3xc) and its gameweek.</summary>
public sealed record FplChipPlay(string Name, DateTimeOffset? Time, int Event);
