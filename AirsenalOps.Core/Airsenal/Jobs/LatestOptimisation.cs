using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Airsenal.Jobs;

/// <summary>
/// The newest finished optimisation as its job parsed it. The lineup (XI, captaincy, bench order) exists only
/// in the printout, never in AIrsenal's database (reference §2.4), so it comes from the job, not the reports.
/// </summary>
public sealed record LatestOptimisation(JobRecord Job, OptimisationOutput? Strategy, SquadOutput? Squad)
{
    public IReadOnlyList<LineupPlayer> Starters => Strategy is { StartingLineup.Count: > 0 } s ? s.StartingLineup : Squad?.StartingLineup ?? [];

    public IReadOnlyList<BenchPlayer> Bench => Strategy is { StartingLineup.Count: > 0 } s ? s.Bench : Squad?.Bench ?? [];

    public int? Gameweek => Strategy?.LineupGameweek ?? Squad?.NextGameweek ?? Squad?.GameweekStart;

    public bool HasLineup => Starters.Count > 0;

    /// <summary>
    /// The result as its job stored it (an optimise job's output, a pipeline's optimisation, else its squad), with the
    /// job's id and completion time: the `optimisation` of GET /api/reports/latest, in the peer's shape.
    /// </summary>
    public JsonObject? ToReportJson()
    {
        var output = Job.Output;
        var part = ParsedOutput.TypeOf(output) == "pipeline"
            ? (output?["optimisation"] ?? output?["squad"]) as JsonObject
            : output;
        if (part is null)
        {
            return null;
        }

        var result = part.DeepClone().AsObject();
        result["job_id"] = Job.Id;
        result["completed_at"] = Job.CompletedAt is { } at ? StorageJson.FormatDate(at) : null;
        return result;
    }

    /// <summary>The job's result as a strategy and/or a new squad; null when its output holds neither.</summary>
    public static LatestOptimisation? FromJob(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var output = job.Output;
        var type = ParsedOutput.TypeOf(output);
        var strategy = ParsedOutput.Read<OptimisationOutput>(type switch
        {
            "optimisation" => output,
            AirsenalCommandNames.Pipeline => output?["optimisation"] as JsonObject,
            _ => null,
        });
        var squad = ParsedOutput.Read<SquadOutput>(type switch
        {
            "squad" => output,
            AirsenalCommandNames.Pipeline => output?["squad"] as JsonObject,
            _ => null,
        });
        return strategy is null && squad is null ? null : new LatestOptimisation(job, strategy, squad);
    }
}

public static class LatestOptimisationQueries
{
    // Each of these prints the squad block (the pipeline through its optimise or squad stage).
    private static readonly string[] Commands = [AirsenalCommandNames.Optimize, AirsenalCommandNames.Pipeline, AirsenalCommandNames.MakeSquad];

    /// <summary>How many completed jobs per command to look through for one with a parsed result.</summary>
    private const int Lookback = 10;

    /// <summary>
    /// The newest (by completion) completed optimise, pipeline or make_squad job whose output holds a result; null
    /// when none has. The one "latest optimisation": the optimisation page, GET /api/reports/latest and the transfer
    /// plan all read it.
    /// </summary>
    public static async Task<LatestOptimisation?> GetLatestOptimisationAsync(this JobService jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        LatestOptimisation? newest = null;
        foreach (var command in Commands)
        {
            var completed = await jobs.ListAsync(new JobFilter(JobStatus.Completed, command, Limit: Lookback), cancellationToken);
            var found = completed.Select(LatestOptimisation.FromJob).FirstOrDefault(r => r is not null);
            if (found is { HasLineup: false })
            {
                found = await ReparseAsync(jobs, found, cancellationToken);
            }

            if (found is not null && (newest is null || Finished(found.Job) > Finished(newest.Job)))
            {
                newest = found;
            }
        }

        return newest;
    }

    private static DateTimeOffset Finished(JobRecord job) => job.CompletedAt ?? job.CreatedAt;

    /// <summary>
    /// An output stored by an older parser can lack a lineup its printout has (make_squad's bare block was
    /// missed before 1.15's printout was known): the job's stdout, read again with today's parser, is the
    /// truth, so the page never claims "no starting XI" for a printout that has one.
    /// </summary>
    private static async Task<LatestOptimisation> ReparseAsync(JobService jobs, LatestOptimisation found, CancellationToken cancellationToken)
    {
        var stdout = new List<string>();
        await foreach (var line in jobs.ReadAllLogsAsync(found.Job.Id, cancellationToken))
        {
            if (line.Source == LogSource.Stdout)
            {
                stdout.Add(line.Text);
            }
        }

        if (stdout.Count == 0)
        {
            return found;
        }

        var output = AirsenalOutputParser.Parse(found.Job.Command, stdout, found.Job.CompletedAt ?? found.Job.CreatedAt, found.Job.Parameters);
        return LatestOptimisation.FromJob(found.Job with { Output = output }) is { HasLineup: true } reparsed ? reparsed : found;
    }
}
