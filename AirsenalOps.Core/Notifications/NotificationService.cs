using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Notifications;

/// <summary>A webhook as a client sends it.</summary>
public sealed record WebhookInput(string? Name = null, string? Url = null, string? Format = null, IReadOnlyList<string>? Events = null, bool? Enabled = null);

/// <summary>A refused webhook request; the API answers 422 with the message.</summary>
public sealed class WebhookValidationException(string message) : Exception(message);

/// <summary>Webhooks CRUD and the delivery log. URLs are encrypted with the secrets key before they are stored.</summary>
public sealed class NotificationService(IStorage storage, SecretCipher cipher, TimeProvider time, AuditLog audit)
{
    public const string JobCompleted = "job_completed";
    public const string JobFailed = "job_failed";
    public const string JobCancelled = "job_cancelled";
    public const string ChainFinished = "chain_finished";

    public static IReadOnlyList<string> AllEvents { get; } = [JobCompleted, JobFailed, JobCancelled, ChainFinished];

    public static IReadOnlyList<string> Formats { get; } = ["json", "slack", "discord"];

    public Task<IReadOnlyList<WebhookRecord>> ListAsync(CancellationToken cancellationToken) => storage.Notifications.ListWebhooksAsync(cancellationToken);

    public Task<WebhookRecord?> GetAsync(string id, CancellationToken cancellationToken) => storage.Notifications.GetWebhookAsync(id, cancellationToken);

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = await storage.Notifications.DeleteWebhookAsync(id, cancellationToken);
        if (deleted)
        {
            await audit.RecordAsync(AuditAction.WebhookDeleted, id);
        }

        return deleted;
    }

    public Task<IReadOnlyList<DeliveryRecord>> DeliveriesAsync(string? webhookId, int skip, int limit, CancellationToken cancellationToken) =>
        storage.Notifications.ListDeliveriesAsync(webhookId, skip, limit, cancellationToken);

    public async Task<WebhookRecord> CreateAsync(WebhookInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var webhook = Apply(input, null, new WebhookRecord { Id = Guid.NewGuid().ToString(), Name = string.Empty, EncryptedUrl = string.Empty, Host = string.Empty, CreatedAt = time.GetUtcNow() });
        await storage.Notifications.UpsertWebhookAsync(webhook, cancellationToken);
        await audit.RecordAsync(AuditAction.WebhookCreated, webhook.Id, Describe(webhook));
        return webhook;
    }

    /// <summary>Replaces the webhook's settings; a null URL keeps the stored one. Null when unknown.</summary>
    public async Task<WebhookRecord?> UpdateAsync(string id, WebhookInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await storage.Notifications.GetWebhookAsync(id, cancellationToken) is not { } current)
        {
            return null;
        }

        var webhook = Apply(input, current, current);
        await storage.Notifications.UpsertWebhookAsync(webhook, cancellationToken);
        await audit.RecordAsync(AuditAction.WebhookChanged, webhook.Id, Describe(webhook));
        return webhook;
    }

    // The host only: the URL itself is a secret.
    private static Dictionary<string, string> Describe(WebhookRecord webhook) => new()
    {
        ["name"] = webhook.Name,
        ["host"] = webhook.Host,
        ["enabled"] = webhook.Enabled ? "true" : "false",
    };

    /// <summary>The decrypted URL, for the dispatcher only: never logged, never returned by the API.</summary>
    public string RevealUrl(WebhookRecord webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return cipher.Reveal(webhook.EncryptedUrl);
    }

    public Task RecordAsync(DeliveryRecord delivery, CancellationToken cancellationToken) =>
        storage.Notifications.AddDeliveryAsync(delivery, cancellationToken);

    private WebhookRecord Apply(WebhookInput input, WebhookRecord? current, WebhookRecord target)
    {
        var encrypted = current?.EncryptedUrl;
        var host = current?.Host;
        if (input.Url is not null || current is null)
        {
            if (!Uri.TryCreate(input.Url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new WebhookValidationException("url must be an absolute http(s) URL.");
            }

            if (!cipher.IsReady)
            {
                throw new WebhookValidationException("Webhook URLs are stored encrypted: set ENCRYPTION_KEY first.");
            }

            encrypted = cipher.Protect(uri.AbsoluteUri);
            host = uri.Host;
        }

        var format = string.IsNullOrWhiteSpace(input.Format) ? "json" : input.Format.Trim().ToLowerInvariant();
        if (!Formats.Contains(format))
        {
            throw new WebhookValidationException($"Unknown format '{input.Format}': use {string.Join(", ", Formats)}.");
        }

        var events = input.Events is null or { Count: 0 } ? AllEvents : input.Events.Distinct().ToList();
        if (events.FirstOrDefault(e => !AllEvents.Contains(e)) is { } unknown)
        {
            throw new WebhookValidationException($"Unknown event '{unknown}': use {string.Join(", ", AllEvents)}.");
        }

        var name = string.IsNullOrWhiteSpace(input.Name) ? host! : input.Name.Trim();
        if (name.Length > 100)
        {
            throw new WebhookValidationException("name must be at most 100 characters.");
        }

        return target with { Name = name, EncryptedUrl = encrypted!, Host = host!, Format = format, Events = events, Enabled = input.Enabled ?? true };
    }
}
