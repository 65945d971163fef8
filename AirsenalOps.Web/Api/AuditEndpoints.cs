using System.Globalization;
using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Web.Api;

public sealed record AuditEntryDto(string Id, DateTimeOffset At, string Actor, string Client, string Action, string Target, IReadOnlyDictionary<string, string> Details)
{
    public static AuditEntryDto From(AuditRecord entry) =>
        new(entry.Id, entry.At, entry.Actor, entry.Client, AuditActions.ToText(entry.Action), entry.Target, entry.Details);
}

/// <summary>A page of the audit log, newest first; <see cref="Total"/> counts every matching entry.</summary>
public sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Items, long Total, int Limit, int Offset);

/// <summary>
/// GET /api/audit: the audit log, read-only. Entries are written by the Core services, never through the
/// API, and no route changes or removes one.
/// </summary>
public static class AuditEndpoints
{
    public const int DefaultLimit = 50;

    public static WebApplication MapAuditApi(this WebApplication app)
    {
        app.MapProtectedApi("/audit").MapGet("", ListAsync)
            .WithSummary("The audit log, newest first")
            .WithDescription("Filters: action (e.g. job_created), actor (exact). Paging: limit (1-" + AuditLog.MaxLimit + ", default " + DefaultLimit + ") and offset.")
            .Produces<AuditPageDto>()
            .Produces<ErrorDetail>(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    internal static async Task<IResult> ListAsync(AuditLog audit, string? limit, string? offset, string? action, string? actor, CancellationToken cancellationToken)
    {
        if (!TryParse(limit, DefaultLimit, out var take) || take is < 1 or > AuditLog.MaxLimit)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, $"limit must be a whole number from 1 to {AuditLog.MaxLimit}.");
        }

        if (!TryParse(offset, 0, out var skip) || skip < 0)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "offset must be a whole number, 0 or more.");
        }

        AuditAction? actionFilter = null;
        if (!string.IsNullOrWhiteSpace(action))
        {
            if (!AuditActions.TryParse(action, out var parsed))
            {
                return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, $"Unknown action '{action}': use one of {string.Join(", ", AuditActions.All)}.");
            }

            actionFilter = parsed;
        }

        var page = await audit.ReadAsync(new AuditQuery(actionFilter, actor, skip, take), cancellationToken);
        return TypedResults.Ok(new AuditPageDto([.. page.Entries.Select(AuditEntryDto.From)], page.Total, take, skip));
    }

    private static bool TryParse(string? text, int fallback, out int value)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
