using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Web.Api;

public sealed record CreateJobRequest(string? Command, JsonObject? Parameters);

/// <summary>A job as the API shows it: the peer's document plus our fields.</summary>
public sealed record JobDto(
    string Id,
    string Command,
    JsonObject Parameters,
    string Status,
    string DisplayStatus,
    JsonObject? Output,
    string? Error,
    int RetryCount,
    int MaxRetries,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? NextAttemptAt,
    string? Hint,
    string? CommandLine,
    int? ExitCode,
    double? Progress,
    DateTimeOffset? Eta,
    IReadOnlyList<JobAttempt> Attempts,
    double? ProgressDone,
    double? ProgressTotal)
{
    /// <summary>The newest MAX_LOG_LINES lines (single-job responses only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Logs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? LogCount { get; init; }

    /// <summary>The console instance running the job, its host and until when it holds the job (while it runs).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Owner { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OwnerHost { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Set when retention deleted the job's log lines: when, by which rule (age, size) and how many.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JobLogsPurged? LogsPurged { get; init; }

    public static JobDto From(JobRecord job) => new(
        job.Id, job.Command, job.Parameters, StorageJson.ToText(job.Status), JobDisplay.Status(job), job.Output, job.Error,
        job.RetryCount, job.MaxRetries, job.CreatedAt, job.StartedAt, job.CompletedAt, job.NextAttemptAt, job.Hint,
        job.CommandLine, job.ExitCode, job.Progress, job.Eta, job.Attempts, job.ProgressDone, job.ProgressTotal)
    {
        // Only while a console holds the job: a finished job's last owner is history, and the older console's
        // clients read the finished shape byte for byte.
        Owner = Held(job) ? job.Owner : null,
        OwnerHost = Held(job) ? job.OwnerHost : null,
        LeaseExpiresAt = Held(job) ? job.LeaseExpiresAt : null,
        LogsPurged = job.LogsPurged,
    };

    private static bool Held(JobRecord job) => job.Status is JobStatus.Running or JobStatus.Cancelling;
}

public sealed record LogLineDto(long Seq, DateTimeOffset Time, string Source, string Text)
{
    public static LogLineDto From(LogLine line) => new(line.Seq, line.Time, StorageJson.ToText(line.Source), line.Text);
}

public sealed record LogPageDto(string JobId, IReadOnlyList<LogLineDto> Lines, long NextAfter, long LogCount);

public sealed record JobActionDto(bool Success, string JobId, string? Status = null);

public sealed record ClearedDto(bool Success, int Cleared);

public sealed record JobOutputDto(string Id, string Command, string Status, JsonObject Parameters, DateTimeOffset? CompletedAt, JsonObject? Output);

public sealed record CommandParameterDto(string Name, string Type, object? Default, bool Required, long? Min, long? Max, IReadOnlyList<string>? Choices, string Help, string Range);

public sealed record CommandDto(string Name, string Description, string Executable, IReadOnlyList<CommandParameterDto> Parameters, bool RetrySafe, bool ConcurrencySafe, bool NeedsConfirm, double? MaxRunTimeSeconds)
{
    public static CommandDto From(JobCommand command) => new(
        command.Name, command.Description, command.Executable,
        [.. command.Parameters.Select(p => new CommandParameterDto(p.Name, p.Type.ToString().ToLowerInvariant(), p.Default, p.Required, p.Min, p.Max, p.Choices, p.Help, p.RangeText))],
        command.RetrySafe, command.ConcurrencySafe, command.NeedsConfirm, command.MaxRunTime?.TotalSeconds);
}

/// <summary>The peer console's /api/jobs routes (same shapes) plus ours: log paging, download, retry, give up, the catalogue.</summary>
public static class JobsEndpoints
{
    public static WebApplicationBuilder AddJobsApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<JobListCache>();
        return builder;
    }

    public static WebApplication MapJobsApi(this WebApplication app)
    {
        var jobs = app.MapProtectedApi("/jobs");
        jobs.MapPost("", CreateAsync);
        jobs.MapGet("", ListAsync);
        jobs.MapDelete("/logs", DeleteAllLogsAsync);
        jobs.MapGet("/{id}", GetAsync);
        jobs.MapPost("/{id}/cancel", CancelAsync);
        jobs.MapPost("/{id}/retry", RetryAsync);
        jobs.MapPost("/{id}/give-up", GiveUpAsync);
        jobs.MapGet("/{id}/logs", LogsAsync);
        jobs.MapGet("/{id}/logs.txt", DownloadAsync);
        jobs.MapDelete("/{id}/logs", DeleteLogsAsync);
        jobs.MapGet("/{id}/output", OutputAsync);

        app.MapProtectedApi("/commands").MapGet("", (JobService service) =>
            TypedResults.Ok(service.Catalogue.All.Select(CommandDto.From).ToList()));
        return app;
    }

    internal static async Task<IResult> CreateAsync(CreateJobRequest? request, JobService service, StorageProbe storage, CancellationToken cancellationToken)
    {
        if (await storage.IsDiskFullAsync(cancellationToken))
        {
            return ApiResults.Error(StatusCodes.Status507InsufficientStorage, StorageFailures.DiskFullDetail);
        }

        try
        {
            var job = await service.CreateAsync(request?.Command, request?.Parameters, cancellationToken);
            return TypedResults.Ok(JobDto.From(job) with { Logs = [], LogCount = 0 });
        }
        catch (JobValidationException ex)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, ex.Message);
        }
    }

    internal static async Task<IResult> ListAsync(JobListCache cache, string? status, string? command, int? skip, int? limit, CancellationToken cancellationToken)
    {
        JobStatus? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<JobStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, $"Unknown status '{status}': use pending, running, cancelling, completed, failed or cancelled.");
            }

            statusFilter = parsed;
        }

        if (skip is < 0 || limit is < 1 or > 500)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "skip must be 0 or more and limit between 1 and 500.");
        }

        var filter = new JobFilter(statusFilter, string.IsNullOrEmpty(command) ? null : command, skip ?? 0, limit ?? 50);
        return new Utf8JsonResult(await cache.GetAsync(filter, cancellationToken));
    }

    internal static async Task<IResult> GetAsync(string id, JobService service, CancellationToken cancellationToken)
    {
        if (await service.GetAsync(id, cancellationToken) is not { } job)
        {
            return NotFound();
        }

        var count = await service.CountLogsAsync(id, cancellationToken);
        var max = service.Options.MaxLogLines;
        var tail = count == 0 ? [] : await service.ReadLogTailAsync(id, max, cancellationToken);
        return TypedResults.Ok(JobDto.From(job) with { Logs = [.. tail.Select(l => l.Text)], LogCount = count });
    }

    internal static async Task<IResult> CancelAsync(string id, JobService service, CancellationToken cancellationToken) =>
        ActionResult(await service.CancelAsync(id, cancellationToken), id);

    internal static async Task<IResult> RetryAsync(string id, JobService service, CancellationToken cancellationToken) =>
        ActionResult(await service.RetryNowAsync(id, cancellationToken), id);

    internal static async Task<IResult> GiveUpAsync(string id, JobService service, CancellationToken cancellationToken) =>
        ActionResult(await service.GiveUpAsync(id, cancellationToken), id);

    internal static async Task<IResult> LogsAsync(string id, JobService service, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (after is < 0 || limit is < 1 or > 10_000)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "after must be 0 or more and limit between 1 and 10000.");
        }

        if (await service.GetAsync(id, cancellationToken) is null)
        {
            return NotFound();
        }

        var count = await service.CountLogsAsync(id, cancellationToken);
        var from = after ?? 0;
        var take = limit ?? 1000;

        var lines = await service.ReadLogsAsync(id, from, take, cancellationToken);
        return TypedResults.Ok(new LogPageDto(id, [.. lines.Select(LogLineDto.From)], lines.Count > 0 ? lines[^1].Seq : from, count));
    }

    internal static async Task<IResult> DownloadAsync(string id, JobService service, CancellationToken cancellationToken)
    {
        if (await service.GetAsync(id, cancellationToken) is not { } job)
        {
            return NotFound();
        }

        // Streamed page by page: a million-line log is never held in memory.
        return TypedResults.Stream(
            async stream =>
            {
                await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024);
                await foreach (var line in service.ReadAllLogsAsync(id, cancellationToken))
                {
                    await writer.WriteAsync(line.Text);
                    await writer.WriteAsync('\n');
                }
            },
            "text/plain; charset=utf-8",
            $"job-{job.Command}-{id}.log");
    }

    internal static async Task<IResult> DeleteLogsAsync(string id, JobService service, CancellationToken cancellationToken) =>
        ActionResult(await service.DeleteLogsAsync(id, cancellationToken), id, withStatus: false);

    internal static async Task<IResult> DeleteAllLogsAsync(JobService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ClearedDto(true, await service.DeleteAllLogsAsync(cancellationToken)));

    internal static async Task<IResult> OutputAsync(string id, JobService service, CancellationToken cancellationToken) =>
        await service.GetAsync(id, cancellationToken) is { } job
            ? TypedResults.Ok(new JobOutputDto(job.Id, job.Command, StorageJson.ToText(job.Status), job.Parameters, job.CompletedAt, job.Output))
            : NotFound();

    /// <summary>A 200 with JSON already serialised (the headers TypedResults.Ok writes, plus its length).</summary>
    private sealed class Utf8JsonResult(byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body).AsTask();
        }
    }

    private static IResult NotFound() => ApiResults.Error(StatusCodes.Status404NotFound, "Job not found");

    private static IResult ActionResult(JobActionResult result, string id, bool withStatus = true) => result.Status switch
    {
        JobActionStatus.NotFound => NotFound(),
        JobActionStatus.NotAllowed => ApiResults.Error(StatusCodes.Status400BadRequest, result.Detail ?? "Not allowed"),
        _ => TypedResults.Ok(new JobActionDto(true, id, withStatus && result.Job is { } job ? JobDisplay.Status(job) : null)),
    };
}
