using AirsenalOps.Core.Reports;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Team;
using Microsoft.AspNetCore.Mvc;

namespace AirsenalOps.Web.Api;

/// <summary>The user's FPL team: GET /api/team/current (the peer's shape), /diff against AIrsenal, /deadline.</summary>
public static class TeamEndpoints
{
    public const string TeamIdSecret = FplTeamId.SecretKey;

    public static WebApplication MapTeamApi(this WebApplication app)
    {
        var group = app.MapProtectedApi("/team");
        group.MapGet("/current", GetCurrentAsync);
        group.MapGet("/diff", GetDiffAsync);
        group.MapGet("/deadline", GetDeadlineAsync);
        return app;
    }

    private static async Task<IResult> GetCurrentAsync([FromServices] ISecretReader secrets, TeamService team, CancellationToken cancellationToken)
    {
        var (teamId, error) = await ReadTeamIdAsync(secrets, cancellationToken);
        return error ?? await FplAsync(() => team.GetCurrentAsync(teamId!.Value, cancellationToken));
    }

    private static async Task<IResult> GetDiffAsync([FromServices] ISecretReader secrets, TeamService team, CancellationToken cancellationToken)
    {
        var (teamId, error) = await ReadTeamIdAsync(secrets, cancellationToken);
        return error ?? await FplAsync(() => team.GetDiffAsync(teamId!.Value, cancellationToken));
    }

    private static async Task<IResult> GetDeadlineAsync(TeamService team, CancellationToken cancellationToken) =>
        await FplAsync(async () => await team.GetNextDeadlineAsync(cancellationToken)
            ?? throw new TeamUnavailableException("FPL lists no deadline ahead: the season is over."));

    /// <summary>The team id from the FPL_TEAM_ID secret, or the error response to give instead.</summary>
    internal static async Task<(int? TeamId, IResult? Error)> ReadTeamIdAsync(ISecretReader secrets, CancellationToken cancellationToken)
    {
        var reading = await FplTeamId.ReadAsync(secrets, cancellationToken);
        return reading.TeamId is { } id ? (id, null)
            : (null, ApiResults.Error(reading.IsMissing ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict, reading.Problem!));
    }

    private static async Task<IResult> FplAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return TypedResults.Ok(await call());
        }
        catch (FplApiException ex)
        {
            return ApiResults.Error(StatusCodes.Status502BadGateway, "FPL API request failed: " + ex.Message);
        }
        catch (TeamUnavailableException ex)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ex.Message);
        }
        catch (ReportUnavailableException ex)
        {
            return ApiResults.Error(ex.Problem == ReportProblem.DatabaseMissing ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict, ex.Message);
        }
    }
}
