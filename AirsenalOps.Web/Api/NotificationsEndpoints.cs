using AirsenalOps.Core.Notifications;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Web.Api;

/// <summary>A webhook as the API shows it: the host only, never the (secret) URL.</summary>
public sealed record WebhookDto(string Id, string Name, string Host, string Format, IReadOnlyList<string> Events, bool Enabled, DateTimeOffset CreatedAt)
{
    public static WebhookDto From(WebhookRecord w) => new(w.Id, w.Name, w.Host, w.Format, w.Events, w.Enabled, w.CreatedAt);
}

/// <summary>/api/notifications: webhooks CRUD and the delivery log.</summary>
public static class NotificationsEndpoints
{
    public static WebApplication MapNotificationsApi(this WebApplication app)
    {
        var group = app.MapProtectedApi("/notifications");
        group.MapGet("/webhooks", async (NotificationService service, CancellationToken ct) =>
            TypedResults.Ok((await service.ListAsync(ct)).Select(WebhookDto.From).ToList()));
        group.MapPost("/webhooks", CreateAsync);
        group.MapGet("/webhooks/{id}", async (string id, NotificationService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } webhook ? TypedResults.Ok(WebhookDto.From(webhook)) : NotFound());
        group.MapPut("/webhooks/{id}", UpdateAsync);
        group.MapDelete("/webhooks/{id}", async (string id, NotificationService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? TypedResults.NoContent() : NotFound());
        group.MapGet("/deliveries", DeliveriesAsync);
        return app;
    }

    internal static async Task<IResult> CreateAsync(WebhookInput? input, NotificationService service, CancellationToken cancellationToken)
    {
        try
        {
            var webhook = await service.CreateAsync(input ?? new WebhookInput(), cancellationToken);
            return TypedResults.Created($"/api/notifications/webhooks/{webhook.Id}", WebhookDto.From(webhook));
        }
        catch (WebhookValidationException ex)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, ex.Message);
        }
    }

    internal static async Task<IResult> UpdateAsync(string id, WebhookInput? input, NotificationService service, CancellationToken cancellationToken)
    {
        try
        {
            return await service.UpdateAsync(id, input ?? new WebhookInput(), cancellationToken) is { } webhook
                ? TypedResults.Ok(WebhookDto.From(webhook))
                : NotFound();
        }
        catch (WebhookValidationException ex)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, ex.Message);
        }
    }

    internal static async Task<IResult> DeliveriesAsync(NotificationService service, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "webhook_id")] string? webhookId, int? skip, int? limit, CancellationToken cancellationToken)
    {
        if (skip is < 0 || limit is < 1 or > 500)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "skip must be 0 or more and limit between 1 and 500.");
        }

        return TypedResults.Ok(await service.DeliveriesAsync(string.IsNullOrEmpty(webhookId) ? null : webhookId, skip ?? 0, limit ?? 50, cancellationToken));
    }

    private static IResult NotFound() => ApiResults.Error(StatusCodes.Status404NotFound, "Webhook not found");
}
