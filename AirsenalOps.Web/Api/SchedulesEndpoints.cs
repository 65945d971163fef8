using System.Text.Json.Nodes;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Web.Api;

/// <summary>A schedule as the API shows it, with its next run times.</summary>
public sealed record ScheduleDto(
    string Id,
    string Name,
    bool Enabled,
    string Target,
    string? Command,
    JsonObject Parameters,
    string? Cron,
    string TimeZone,
    int? DeadlineOffsetMinutes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? NextRunAt,
    IReadOnlyList<DateTimeOffset> NextRuns,
    ScheduleRun? Active,
    IReadOnlyList<ScheduleRun> History)
{
    public static ScheduleDto From(ScheduleRecord s, IReadOnlyList<DateTimeOffset> nextRuns) => new(
        s.Id, s.Name, s.Enabled,
        s.Target == ScheduleTarget.WeeklyChain ? ScheduleService.TargetWeeklyChain : ScheduleService.TargetCommand,
        s.Command, s.Parameters, s.Cron, s.TimeZone, s.DeadlineOffsetMinutes, s.CreatedAt, s.UpdatedAt,
        s.Enabled && nextRuns.Count > 0 ? nextRuns[0] : null,
        s.Enabled ? nextRuns : [], s.Active, s.History);
}

/// <summary>/api/schedules: CRUD, run now, next run times.</summary>
public static class SchedulesEndpoints
{
    private const int ShownRuns = 5;

    public static WebApplication MapSchedulesApi(this WebApplication app)
    {
        var schedules = app.MapProtectedApi("/schedules");
        schedules.MapGet("", ListAsync);
        schedules.MapPost("", CreateAsync);
        schedules.MapGet("/{id}", GetAsync);
        schedules.MapPut("/{id}", UpdateAsync);
        schedules.MapDelete("/{id}", DeleteAsync);
        schedules.MapPost("/{id}/run", RunNowAsync);
        schedules.MapGet("/{id}/next", NextAsync);
        return app;
    }

    internal static async Task<IResult> ListAsync(ScheduleService service, CancellationToken cancellationToken)
    {
        var list = new List<ScheduleDto>();
        foreach (var schedule in await service.ListAsync(cancellationToken))
        {
            list.Add(await ToDtoAsync(service, schedule, cancellationToken));
        }

        return TypedResults.Ok(list);
    }

    internal static async Task<IResult> CreateAsync(ScheduleInput? input, ScheduleService service, CancellationToken cancellationToken)
    {
        try
        {
            var schedule = await service.CreateAsync(input ?? new ScheduleInput(), cancellationToken);
            return TypedResults.Created($"/api/schedules/{schedule.Id}", await ToDtoAsync(service, schedule, cancellationToken));
        }
        catch (ScheduleValidationException ex)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, ex.Message);
        }
    }

    internal static async Task<IResult> GetAsync(string id, ScheduleService service, CancellationToken cancellationToken) =>
        await service.GetAsync(id, cancellationToken) is { } schedule
            ? TypedResults.Ok(await ToDtoAsync(service, schedule, cancellationToken))
            : NotFound();

    internal static async Task<IResult> UpdateAsync(string id, ScheduleInput? input, ScheduleService service, CancellationToken cancellationToken)
    {
        try
        {
            return await service.UpdateAsync(id, input ?? new ScheduleInput(), cancellationToken) is { } schedule
                ? TypedResults.Ok(await ToDtoAsync(service, schedule, cancellationToken))
                : NotFound();
        }
        catch (ScheduleValidationException ex)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, ex.Message);
        }
    }

    internal static async Task<IResult> DeleteAsync(string id, ScheduleService service, CancellationToken cancellationToken) =>
        await service.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound();

    internal static async Task<IResult> RunNowAsync(string id, ScheduleService service, CancellationToken cancellationToken)
    {
        var result = await service.RunNowAsync(id, cancellationToken);
        if (result.Schedule is null)
        {
            return NotFound();
        }

        return result.Refused is { } refused
            ? ApiResults.Error(StatusCodes.Status409Conflict, refused)
            : TypedResults.Accepted($"/api/schedules/{id}", await ToDtoAsync(service, result.Schedule, cancellationToken));
    }

    internal static async Task<IResult> NextAsync(string id, ScheduleService service, int? count, CancellationToken cancellationToken)
    {
        if (count is < 1 or > 100)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "count must be between 1 and 100.");
        }

        return await service.GetAsync(id, cancellationToken) is { } schedule
            ? TypedResults.Ok(await service.NextRunsAsync(schedule, count ?? ShownRuns, cancellationToken))
            : NotFound();
    }

    private static async Task<ScheduleDto> ToDtoAsync(ScheduleService service, ScheduleRecord schedule, CancellationToken cancellationToken) =>
        ScheduleDto.From(schedule, schedule.Enabled ? await service.NextRunsAsync(schedule, ShownRuns, cancellationToken) : []);

    private static IResult NotFound() => ApiResults.Error(StatusCodes.Status404NotFound, "Schedule not found");
}
