using System.Globalization;
using AirsenalOps.Core.Reports;

namespace AirsenalOps.Core.Team;

/// <summary>The user's FPL team from the public API, and how it compares to AIrsenal's view of it.</summary>
public sealed class TeamService(FplClient fpl, AirsenalReports reports, TimeProvider time)
{
    private static readonly Dictionary<int, string> Positions = new() { [1] = "GK", [2] = "DEF", [3] = "MID", [4] = "FWD", [5] = "MNG" };

    /// <summary>The picks of the current gameweek (the last one whose deadline passed), as the peer's /api/team/current.</summary>
    public async Task<TeamCurrent> GetCurrentAsync(int teamId, CancellationToken cancellationToken)
    {
        var bootstrap = await fpl.GetBootstrapAsync(cancellationToken);
        var entry = await fpl.GetEntryAsync(teamId, cancellationToken);
        var gameweek = CurrentEvent(bootstrap, entry)
            ?? throw new TeamUnavailableException("The FPL season has not started: there are no picks until the first deadline has passed.");
        var picks = await fpl.GetPicksAsync(teamId, gameweek.Id, cancellationToken);
        var elements = bootstrap.Elements.ToDictionary(e => e.Id);
        var teams = bootstrap.Teams.ToDictionary(t => t.Id);
        var players = picks.Picks.OrderBy(p => p.Position).Select(pick =>
        {
            var element = elements.GetValueOrDefault(pick.Element);
            return new TeamPlayer(
                pick.Position,
                pick.Element,
                NameOf(element, pick.Element),
                element is null ? null : teams.GetValueOrDefault(element.Team)?.ShortName,
                // FPL's own short names say "GKP"; the peer's shape (and AIrsenal) say GK/DEF/MID/FWD.
                element is null ? null : Positions.GetValueOrDefault(element.ElementType),
                pick.Multiplier,
                pick.IsCaptain,
                pick.IsViceCaptain,
                (element?.NowCost ?? 0) / 10.0,
                double.TryParse(element?.PointsPerGame, NumberStyles.Float, CultureInfo.InvariantCulture, out var ppg) ? ppg : null,
                element?.EventPoints ?? 0);
        }).ToList();
        var history = picks.EntryHistory;
        var summary = new EntrySummary(
            (history?.Bank ?? 0) / 10.0,
            (history?.Value ?? 0) / 10.0,
            history?.TotalPoints ?? entry.SummaryOverallPoints ?? 0,
            history?.Points ?? entry.SummaryEventPoints ?? 0,
            history?.EventTransfers ?? 0,
            history?.EventTransfersCost ?? 0,
            history?.PointsOnBench ?? 0);
        var manager = $"{entry.PlayerFirstName} {entry.PlayerLastName}".Trim();
        return new TeamCurrent(
            teamId,
            time.GetUtcNow(),
            new TeamGameweek(gameweek.Id, gameweek.Name, gameweek.DeadlineTime, gameweek.IsCurrent),
            players,
            summary,
            entry.Name,
            manager.Length > 0 ? manager : null,
            picks.ActiveChip);
    }

    /// <summary>
    /// Free transfers and chips left for the gameweek after <paramref name="current"/>'s, from entry/{id}/history/.
    /// </summary>
    /// <remarks>
    /// FPL's rules since 2024/25: one free transfer a gameweek from GW2, unused ones roll over up to five, a
    /// wildcard or free hit keeps the count as it was; each chip can be played once in GW1–19 and once in GW20–38.
    /// </remarks>
    public async Task<TeamPlanning> GetPlanningAsync(TeamCurrent current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        var history = await fpl.GetHistoryAsync(current.TeamId, cancellationToken);
        var chips = history.Chips ?? [];
        var keeping = chips.Where(c => c.Name is "wildcard" or "freehit").Select(c => c.Event).ToHashSet();
        var free = 1;
        foreach (var gw in history.Current.Where(e => e.Event >= 2 && e.Event <= current.Gameweek.Id).OrderBy(e => e.Event))
        {
            if (!keeping.Contains(gw.Event))
            {
                free = Math.Min(5, Math.Max(0, free - gw.EventTransfers) + 1);
            }
        }

        var next = current.Gameweek.Id + 1;
        var (first, last) = next <= 19 ? (1, 19) : (20, 38);
        var left = ChipNames.Select(chip =>
        {
            var used = chips.FirstOrDefault(c => c.Name == chip.Key && c.Event >= first && c.Event <= last);
            return new ChipLeft(chip.Key, chip.Value, used is null, used?.Event);
        }).ToList();
        return new TeamPlanning(next, history.Current.Count == 0 ? 1 : free, left);
    }

    private static readonly KeyValuePair<string, string>[] ChipNames =
        [new("wildcard", "Wildcard"), new("freehit", "Free Hit"), new("bboost", "Bench Boost"), new("3xc", "Triple Captain")];

    /// <summary>The first deadline still ahead, or null after the last gameweek.</summary>
    public async Task<NextDeadline?> GetNextDeadlineAsync(CancellationToken cancellationToken)
    {
        var bootstrap = await fpl.GetBootstrapAsync(cancellationToken);
        var now = time.GetUtcNow();
        var next = bootstrap.Events.Where(e => e.DeadlineTime > now).OrderBy(e => e.DeadlineTime).FirstOrDefault();
        return next is null ? null : new NextDeadline(next.Id, next.Name, next.DeadlineTime!.Value, Math.Round((next.DeadlineTime.Value - now).TotalSeconds));
    }

    /// <summary>Live picks against AIrsenal's transaction-table squad (reference §6.3).</summary>
    public async Task<TeamDiff> GetDiffAsync(int teamId, CancellationToken cancellationToken)
    {
        // The squad first: a missing AIrsenal database fails before any FPL request.
        var squad = await reports.GetSquadAsync(teamId, null, cancellationToken);
        var current = await GetCurrentAsync(teamId, cancellationToken);
        return Compare(current, squad);
    }

    /// <summary>Picks already fetched against AIrsenal's squad, so a page that shows both asks FPL once.</summary>
    public async Task<TeamDiff> CompareAsync(TeamCurrent current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        var squad = await reports.GetSquadAsync(current.TeamId, null, cancellationToken);
        return Compare(current, squad);
    }

    private static TeamDiff Compare(TeamCurrent current, SquadReport squad)
    {
        var live = current.Players.ToDictionary(p => p.PlayerId);
        var believed = squad.Players.Where(p => p.FplApiId is not null).ToDictionary(p => p.FplApiId!.Value);
        var onlyFpl = current.Players.Where(p => !believed.ContainsKey(p.PlayerId))
            .Select(p => new DiffPlayer(p.PlayerId, null, p.Name, p.Team, p.Position)).ToList();
        var onlyAirsenal = squad.Players.Where(p => p.FplApiId is null || !live.ContainsKey(p.FplApiId.Value))
            .Select(p => new DiffPlayer(p.FplApiId, p.PlayerId, p.Name, p.Team, p.Position)).ToList();
        var freeHit = string.Equals(current.ActiveChip, "freehit", StringComparison.OrdinalIgnoreCase);
        var inSync = onlyFpl.Count == 0 && onlyAirsenal.Count == 0;
        var advice = inSync ? "AIrsenal's squad matches the live FPL team."
            : freeHit ? "A free hit is active: the live picks are temporary and AIrsenal ignores free-hit transfers."
            : "AIrsenal's squad differs from the live FPL team: run update_db so it learns of the transfers.";
        return new TeamDiff(current.TeamId, current.Gameweek.Id, squad.Season, inSync, freeHit, current.Players.Count - onlyFpl.Count, onlyFpl, onlyAirsenal, advice);
    }

    private static string NameOf(FplElement? element, int id)
    {
        if (!string.IsNullOrWhiteSpace(element?.WebName))
        {
            return element.WebName;
        }

        var full = $"{element?.FirstName} {element?.SecondName}".Trim();
        return full.Length > 0 ? full : string.Create(CultureInfo.InvariantCulture, $"Player {id}");
    }

    /// <summary>The gameweek whose picks are live: FPL's current event, else the newest one whose deadline passed.</summary>
    private FplEvent? CurrentEvent(FplBootstrap bootstrap, FplEntry entry)
    {
        var now = time.GetUtcNow();
        return bootstrap.Events.FirstOrDefault(e => e.IsCurrent)
            ?? bootstrap.Events.Where(e => e.DeadlineTime <= now).OrderByDescending(e => e.Id).FirstOrDefault()
            ?? (entry.CurrentEvent is { } id ? bootstrap.Events.FirstOrDefault(e => e.Id == id) : null);
    }
}
