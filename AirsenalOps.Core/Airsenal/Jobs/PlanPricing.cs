using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Reports;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Airsenal.Jobs;

/// <summary>
/// Adds the whole plan ("plan", with each transfer's team and price) to a finished optimisation's output. The
/// printout names players without prices; the run's own transfer_suggestion rows, still in the job's working
/// copy of the database, have them. The parsed fields stay as they are, so the peer's shape is unchanged.
/// </summary>
public static class PlanPricing
{
    public static async Task<JsonObject?> AddPlanAsync(JsonObject? output, JobRecord job, string databasePath, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (output is null || LatestOptimisation.FromJob(job with { Output = output, CompletedAt = finishedAt }) is not { } latest)
        {
            return output;
        }

        TransferSuggestionReport? suggestion = null;
        try
        {
            var reports = new AirsenalReports(Options.Create(new AirsenalOptions { PersistentDbPath = databasePath }));
            suggestion = await reports.GetLatestTransferSuggestionAsync(latest.Strategy?.TeamId, cancellationToken);
        }
        catch (ReportUnavailableException)
        {
            // No rows (an optimum without transfers writes none) or no database: the plan is the printout's alone.
        }

        output["plan"] = OutputText.ToJsonNode(OptimisationPlan.Build(latest, suggestion, TimeZoneInfo.Local));
        return output;
    }
}
