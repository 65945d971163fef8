using System.Globalization;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Reports;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Airsenal.Jobs;

/// <summary>A player the plan sells or buys; team, position and price (£m) are known when AIrsenal's database has him.</summary>
public sealed record PlanPlayer(string Name, int? PlayerId = null, int? FplApiId = null, string? Team = null, string? Position = null, double? Price = null);

/// <summary>One transfer of a gameweek; either side is null when AIrsenal printed "None".</summary>
public sealed record PlanTransfer(PlanPlayer? Out, PlanPlayer? In);

/// <summary>One gameweek of the strategy, also a chip week without transfers (AIrsenal's database keeps no row for it).</summary>
public sealed record PlanGameweek(int Gameweek, IReadOnlyList<PlanTransfer> Transfers, string? Chip, int? PointsHit, double? Bank, double? PredictedScore);

/// <summary>Where the plan comes from: the job's parsed printout (the whole plan) or only AIrsenal's transfer_suggestion rows.</summary>
public enum PlanSource
{
    Printout,
    Database,
}

/// <summary>
/// The newest optimisation as a whole: every gameweek of the printout (transfers, chip, hit, bank, predicted
/// score), the scores and the captaincy, with the players' team and price from AIrsenal's database when its
/// newest suggestion is this run's. Without a parsed job the database's rows are all there is.
/// </summary>
public sealed record OptimisationPlan(
    PlanSource Source,
    string? JobId,
    string? Command,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? SuggestionTimestamp,
    int? FplTeamId,
    string? Season,
    bool NewSquad,
    double? BaselinePoints,
    double? StrategyPoints,
    double? PointsGain,
    int? NextGameweek,
    double? NextGameweekPoints,
    IReadOnlyList<PlanGameweek> Gameweeks,
    string? Captain,
    string? ViceCaptain,
    int? LineupGameweek,
    bool MatchesDatabase)
{
    /// <summary>How far a suggestion's local timestamp may lie outside its job's run and still be that run's.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(2);

    private static readonly string[] TimestampFormats = ["yyyy-MM-dd HH:mm:ss.FFFFFF", "yyyy-MM-dd HH:mm:ss"];

    /// <summary>
    /// When the plan was made: the optimiser reads the predictions as it starts, so a run's start (or, from the
    /// database alone, its suggestion time) is what a newer prediction makes stale.
    /// </summary>
    public DateTimeOffset? MadeAt { get; init; }

    /// <summary>
    /// The players the plan sells who were not bought earlier in the plan: they must be in the team now.
    /// </summary>
    public IReadOnlyList<PlanPlayer> SellsFromCurrentSquad()
    {
        var bought = new List<PlanPlayer>();
        var result = new List<PlanPlayer>();
        foreach (var gameweek in Gameweeks.OrderBy(g => g.Gameweek))
        {
            foreach (var sold in gameweek.Transfers.Select(t => t.Out).OfType<PlanPlayer>())
            {
                if (!bought.Any(b => Same(b, sold)))
                {
                    result.Add(sold);
                }
            }

            bought.AddRange(gameweek.Transfers.Select(t => t.In).OfType<PlanPlayer>());
        }

        return result;
    }

    /// <summary>
    /// The plan of the newest parsed optimisation (<paramref name="latest"/>) and the database's newest suggestion;
    /// null when neither exists. <paramref name="local"/> is the zone AIrsenal wrote its timestamps in (the console's).
    /// </summary>
    public static OptimisationPlan? Build(LatestOptimisation? latest, TransferSuggestionReport? suggestion, TimeZoneInfo local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var suggestionTime = suggestion is null ? null : ParseTimestamp(suggestion.Timestamp, local);
        if (latest is null)
        {
            return suggestion is null ? null : FromDatabase(suggestion, suggestionTime);
        }

        var job = latest.Job;
        var started = (job.Attempts.Count > 0 ? job.Attempts[^1].StartedAt : job.StartedAt) ?? job.CreatedAt;
        var finished = job.CompletedAt ?? job.CreatedAt;
        var duringRun = suggestionTime is { } at && at >= started - Slack && at <= finished + Slack;
        if (latest.Strategy is { } strategy)
        {
            var matches = suggestion is { NewSquad: false } s && (strategy.TeamId is null || strategy.TeamId == s.FplTeamId)
                && (duringRun || SameTransfers(strategy, s));
            if (!matches && suggestion is not null && suggestionTime > finished)
            {
                // AIrsenal ran after this job without the console (or another console wrote the database).
                return FromDatabase(suggestion, suggestionTime);
            }

            return FromStrategy(latest, strategy, matches ? suggestion : null, started, finished);
        }

        var squad = latest.Squad!;
        var squadMatches = suggestion is { NewSquad: true } && (duringRun || SameSquad(squad, suggestion));
        if (!squadMatches && suggestion is not null && suggestionTime > finished)
        {
            return FromDatabase(suggestion, suggestionTime);
        }

        return FromSquad(latest, squad, squadMatches ? suggestion : null, started, finished);
    }

    /// <summary>AIrsenal's str(datetime.now()): local time without a zone, microseconds left out when zero.</summary>
    public static DateTimeOffset? ParseTimestamp(string? timestamp, TimeZoneInfo local)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (!DateTime.TryParseExact(timestamp, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return null;
        }

        try
        {
            return new DateTimeOffset(time, local.GetUtcOffset(time));
        }
        catch (ArgumentException)
        {
            // A time that does not exist in the zone (the hour skipped at a clock change).
            return null;
        }
    }

    private static OptimisationPlan FromStrategy(LatestOptimisation latest, OptimisationOutput strategy, TransferSuggestionReport? suggestion, DateTimeOffset started, DateTimeOffset finished)
    {
        var gameweeks = strategy.Gameweeks.Select(g =>
        {
            var rows = suggestion?.Gameweeks.FirstOrDefault(s => s.Gameweek == g.Gameweek);
            var pairs = strategy.Transfers.Where(t => t.Gameweek == g.Gameweek).ToList();
            if (pairs.Count == 0)
            {
                // A printout whose pairs carry no gameweek (never seen, but the record allows it): pair the lists.
                pairs = [.. Enumerable.Range(0, Math.Max(g.TransfersOut.Count, g.TransfersIn.Count)).Select(i =>
                    new TransferPair(g.Gameweek, i < g.TransfersIn.Count ? g.TransfersIn[i] : null, i < g.TransfersOut.Count ? g.TransfersOut[i] : null))];
            }

            var transfers = pairs.Select(p => new PlanTransfer(Priced(p.Out, rows?.Out), Priced(p.In, rows?.In))).ToList();
            return new PlanGameweek(g.Gameweek, transfers, g.Chip ?? rows?.Chip, g.PointsHit, g.Bank, g.PredictedScore);
        }).ToList();
        return new OptimisationPlan(
            PlanSource.Printout,
            latest.Job.Id,
            latest.Job.Command,
            started,
            finished,
            suggestion?.Timestamp,
            strategy.TeamId ?? suggestion?.FplTeamId,
            suggestion?.Season,
            false,
            strategy.BaselinePoints,
            strategy.BestPoints,
            strategy.PointsGain ?? suggestion?.PointsGain,
            null,
            null,
            gameweeks,
            strategy.Captain ?? (strategy.StartingLineup.Count == 0 ? latest.Squad?.Captain : null),
            strategy.ViceCaptain ?? (strategy.StartingLineup.Count == 0 ? latest.Squad?.ViceCaptain : null),
            strategy.LineupGameweek,
            suggestion is not null)
        {
            MadeAt = started,
        };
    }

    private static OptimisationPlan FromSquad(LatestOptimisation latest, SquadOutput squad, TransferSuggestionReport? suggestion, DateTimeOffset started, DateTimeOffset finished)
    {
        var gameweek = squad.NextGameweek ?? squad.GameweekStart ?? (suggestion is { Gameweeks.Count: > 0 } ? suggestion.Gameweeks[0].Gameweek : null);
        var rows = suggestion?.Gameweeks.SelectMany(g => g.In).ToList();
        var buys = squad.Squad.Select(m => new PlanTransfer(null,
            Priced(m.Name, rows) is { PlayerId: not null } known ? known with { Price = m.Price } : new PlanPlayer(m.Name, Team: m.Team, Position: m.Position, Price: m.Price))).ToList();
        IReadOnlyList<PlanGameweek> gameweeks = gameweek is { } gw ? [new PlanGameweek(gw, buys, null, null, squad.Bank, squad.ExpectedPoints)] : [];
        return new OptimisationPlan(
            PlanSource.Printout,
            latest.Job.Id,
            latest.Job.Command,
            started,
            finished,
            suggestion?.Timestamp,
            suggestion?.FplTeamId,
            suggestion?.Season,
            true,
            null,
            squad.TotalScore,
            null,
            gameweek,
            squad.ExpectedPoints ?? suggestion?.PointsGain,
            gameweeks,
            squad.Captain,
            squad.ViceCaptain,
            gameweek,
            suggestion is not null)
        {
            MadeAt = started,
        };
    }

    private static OptimisationPlan FromDatabase(TransferSuggestionReport suggestion, DateTimeOffset? time)
    {
        var gameweeks = suggestion.Gameweeks.Select(g =>
        {
            // make_transfers pairs outs and ins by row order (reference §6.2); so does the plan.
            var count = Math.Max(g.Out.Count, g.In.Count);
            var transfers = Enumerable.Range(0, count)
                .Select(i => new PlanTransfer(i < g.Out.Count ? ToPlan(g.Out[i]) : null, i < g.In.Count ? ToPlan(g.In[i]) : null))
                .ToList();
            return new PlanGameweek(g.Gameweek, transfers, g.Chip, null, null, null);
        }).ToList();
        return new OptimisationPlan(
            PlanSource.Database,
            null,
            null,
            null,
            null,
            suggestion.Timestamp,
            suggestion.FplTeamId,
            suggestion.Season,
            suggestion.NewSquad,
            null,
            null,
            suggestion.NewSquad ? null : suggestion.PointsGain,
            suggestion is { NewSquad: true, Gameweeks.Count: > 0 } ? suggestion.Gameweeks[0].Gameweek : null,
            suggestion.NewSquad ? suggestion.PointsGain : null,
            gameweeks,
            null,
            null,
            null,
            true)
        {
            MadeAt = time,
        };
    }

    /// <summary>The printed name with the database's facts when one of this gameweek's rows is that player.</summary>
    private static PlanPlayer? Priced(string? name, IReadOnlyList<ReportPlayer>? rows)
    {
        if (name is null)
        {
            return null;
        }

        return rows?.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal)) is { } row ? ToPlan(row) : new PlanPlayer(name);
    }

    private static PlanPlayer ToPlan(ReportPlayer player) => new(player.Name, player.PlayerId, player.FplApiId, player.Team, player.Position, player.Price);

    /// <summary>The printout's transfers are the database rows' (names per gameweek, both ways).</summary>
    private static bool SameTransfers(OptimisationOutput strategy, TransferSuggestionReport suggestion)
    {
        static string Key(int gw, IEnumerable<string> names) => gw.ToString(CultureInfo.InvariantCulture) + ":" + string.Join("|", names.Order(StringComparer.Ordinal));
        var printed = strategy.Gameweeks.Where(g => g.TransfersOut.Count + g.TransfersIn.Count > 0)
            .Select(g => Key(g.Gameweek, g.TransfersOut) + "/" + Key(g.Gameweek, g.TransfersIn)).ToList();
        var stored = suggestion.Gameweeks.Where(g => g.Out.Count + g.In.Count > 0)
            .Select(g => Key(g.Gameweek, g.Out.Select(p => p.Name)) + "/" + Key(g.Gameweek, g.In.Select(p => p.Name))).ToList();
        return printed.Count > 0 && printed.SequenceEqual(stored, StringComparer.Ordinal);
    }

    private static bool SameSquad(SquadOutput squad, TransferSuggestionReport suggestion) =>
        squad.Squad.Count > 0
        && squad.Squad.Select(m => m.Name).Order(StringComparer.Ordinal).SequenceEqual(
            suggestion.Gameweeks.SelectMany(g => g.In).Select(p => p.Name).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    private static bool Same(PlanPlayer a, PlanPlayer b) =>
        a.PlayerId is { } x && b.PlayerId is { } y ? x == y : string.Equals(a.Name, b.Name, StringComparison.Ordinal);
}

public static class OptimisationPlanQueries
{
    private static readonly string[] PredictionCommands = [AirsenalCommandNames.Predict, AirsenalCommandNames.Pipeline];

    /// <summary>
    /// The newest finished prediction run the console knows (a predict job, or a pipeline, which predicts on its
    /// way): player_prediction rows carry no time, so the jobs are the only clock.
    /// </summary>
    public static async Task<JobRecord?> GetLatestPredictionJobAsync(this JobService jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        JobRecord? newest = null;
        foreach (var command in PredictionCommands)
        {
            var list = await jobs.ListAsync(new JobFilter(JobStatus.Completed, command, Limit: 1), cancellationToken);
            var found = list.Count > 0 ? list[0] : null;
            if (found is not null && (newest is null || (found.CompletedAt ?? found.CreatedAt) > (newest.CompletedAt ?? newest.CreatedAt)))
            {
                newest = found;
            }
        }

        return newest;
    }

    /// <summary>True when <paramref name="prediction"/> finished after the plan was made (and is not the plan's own pipeline).</summary>
    public static bool IsOlderThan(this OptimisationPlan plan, JobRecord? prediction)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return prediction is not null && prediction.Id != plan.JobId && plan.MadeAt is { } made && (prediction.CompletedAt ?? prediction.CreatedAt) > made;
    }
}
