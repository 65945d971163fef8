using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Reports;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using Microsoft.AspNetCore.Mvc;

namespace AirsenalOps.Web.Api;

/// <summary>
/// GET /api/reports/latest (the peer's: parsed outputs of the newest completed predict/optimize jobs) and
/// reports read straight from AIrsenal's database.
/// </summary>
public static class ReportsEndpoints
{
    /// <summary>How many newest completed predict jobs are looked at for one with parsed output.</summary>
    private const int LatestScan = 20;

    public static WebApplication MapReportsApi(this WebApplication app)
    {
        var group = app.MapProtectedApi("/reports");
        group.MapGet("/latest", GetLatestAsync);
        group.MapGet("/predictions/tag", GetLatestTagAsync);
        group.MapGet("/predictions", GetPredictionsAsync);
        group.MapGet("/transfers/latest", GetLatestTransfersAsync);
        group.MapGet("/squad", GetSquadAsync);
        return app;
    }

    internal static async Task<IResult> GetLatestAsync(JobService jobs, AirsenalReports reports, CancellationToken cancellationToken)
    {
        // The optimisation page's own query: the API and the page always show the same run.
        var latest = await jobs.GetLatestOptimisationAsync(cancellationToken);
        var optimisation = latest?.ToReportJson();
        if (optimisation is not null)
        {
            // Added to the peer's shape: the whole plan, priced from AIrsenal's database when its newest rows are this run's.
            var teamId = latest!.Strategy?.TeamId;
            var suggestion = await SuggestionOrNullAsync(reports, teamId, cancellationToken);
            optimisation["plan"] = OutputText.ToJsonNode(OptimisationPlan.Build(latest, suggestion, TimeZoneInfo.Local));
        }

        return TypedResults.Ok(new JsonObject
        {
            ["prediction"] = await LatestPredictionAsync(jobs, cancellationToken),
            ["optimisation"] = optimisation,
        });
    }

    private static async Task<IResult> GetLatestTagAsync(AirsenalReports reports, string? season, CancellationToken cancellationToken) =>
        await ReportAsync(() => reports.GetLatestPredictionTagAsync(season, cancellationToken));

    private static async Task<IResult> GetPredictionsAsync(
        AirsenalReports reports,
        string? tag,
        int? gameweek,
        string? position,
        string? team,
        string? search,
        string? sort,
        string? order,
        int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        CancellationToken cancellationToken)
    {
        if (order is not null and not "asc" and not "desc")
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "order must be asc or desc");
        }

        var query = new PredictionQuery(tag, gameweek, position?.ToUpperInvariant(), team, search, sort ?? "total_points",
            order != "asc", page ?? 1, pageSize ?? 50);
        if (query.Validate() is { } problem)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, problem);
        }

        return await ReportAsync(() => reports.GetPredictionsAsync(query, cancellationToken));
    }

    private static async Task<IResult> GetLatestTransfersAsync(
        AirsenalReports reports,
        JobService jobs,
        [FromServices] ISecretReader secrets,
        [FromQuery(Name = "team_id")] int? teamId,
        CancellationToken cancellationToken)
    {
        // AIrsenal's own "latest" ignores the team; the configured team is the better default.
        teamId ??= (await TeamEndpoints.ReadTeamIdAsync(secrets, cancellationToken)).TeamId;
        TransferSuggestionReport suggestion;
        try
        {
            suggestion = await reports.GetLatestTransferSuggestionAsync(teamId, cancellationToken);
        }
        catch (ReportUnavailableException ex)
        {
            return ReportError(ex);
        }

        // The stored rows stay as they were; "plan" adds what only the printout has (a chip week without transfers,
        // hits, bank, predicted scores, captaincy). A newest job of another team plans nothing for this one.
        var latest = await jobs.GetLatestOptimisationAsync(cancellationToken);
        if (latest?.Strategy?.TeamId is { } planTeam && planTeam != suggestion.FplTeamId)
        {
            latest = null;
        }

        var body = OutputText.ToJsonObject(suggestion);
        body["plan"] = OutputText.ToJsonNode(OptimisationPlan.Build(latest, suggestion, TimeZoneInfo.Local));
        return TypedResults.Ok(body);
    }

    private static async Task<TransferSuggestionReport?> SuggestionOrNullAsync(AirsenalReports reports, int? teamId, CancellationToken cancellationToken)
    {
        try
        {
            return await reports.GetLatestTransferSuggestionAsync(teamId, cancellationToken);
        }
        catch (ReportUnavailableException)
        {
            // No database or no rows: the plan is the printout's alone.
            return null;
        }
    }

    private static async Task<IResult> GetSquadAsync(
        AirsenalReports reports,
        [FromServices] ISecretReader secrets,
        [FromQuery(Name = "team_id")] int? teamId,
        string? season,
        CancellationToken cancellationToken)
    {
        if (teamId is null)
        {
            var configured = await TeamEndpoints.ReadTeamIdAsync(secrets, cancellationToken);
            if (configured.Error is { } error)
            {
                return error;
            }

            teamId = configured.TeamId;
        }

        return await ReportAsync(() => reports.GetSquadAsync(teamId!.Value, season, cancellationToken));
    }

    /// <summary>A missing database is 404, one without the data 409; both say which command fills it.</summary>
    internal static async Task<IResult> ReportAsync<T>(Func<Task<T>> report)
    {
        try
        {
            return TypedResults.Ok(await report());
        }
        catch (ReportUnavailableException ex)
        {
            return ReportError(ex);
        }
    }

    private static IResult ReportError(ReportUnavailableException ex) =>
        ApiResults.Error(ex.Problem == ReportProblem.DatabaseMissing ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict, ex.Message);

    /// <summary>The newest completed predict job's output, as the peer served it.</summary>
    private static async Task<JsonObject?> LatestPredictionAsync(JobService jobs, CancellationToken cancellationToken)
    {
        var completed = await jobs.ListAsync(new JobFilter(JobStatus.Completed, "predict", 0, LatestScan), cancellationToken);
        var job = completed.FirstOrDefault(j => j.Output is not null);
        if (job is null)
        {
            return null;
        }

        var result = job.Output!.DeepClone().AsObject();
        result["job_id"] = job.Id;
        result["completed_at"] = job.CompletedAt is { } at ? StorageJson.FormatDate(at) : null;
        return result;
    }
}
