using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Notifications;

/// <summary>Something worth telling the webhooks: a finished job or a finished chain.</summary>
public sealed record Notification(string Event, string? JobId, string? ScheduleId, JsonObject Payload, string Summary);

/// <summary>
/// Sends a notification to every enabled webhook that asked for its event when a job finishes or a
/// scheduled chain ends; retries with exponential backoff and logs each delivery in the store.
/// </summary>
public sealed partial class WebhookDispatcher(
    JobNotifier jobs,
    ScheduleService schedules,
    NotificationService notifications,
    HttpClient http,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly Channel<Notification> _queue = Channel.CreateUnbounded<Notification>();

    // A finished job may be published more than once (e.g. an output written after the status): notify once.
    private readonly ConcurrentDictionary<string, byte> _notified = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = jobs.SubscribeAll();
        schedules.RunFinished += OnRunFinished;
        var sends = new List<Task>();
        try
        {
            var watcher = WatchAsync(subscription, stoppingToken);
            await foreach (var notification in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                sends.RemoveAll(t => t.IsCompleted);
                foreach (var webhook in await notifications.ListAsync(stoppingToken))
                {
                    if (webhook.Enabled && webhook.Events.Contains(notification.Event))
                    {
                        // Each webhook retries on its own: a slow receiver does not hold up the others.
                        sends.Add(DeliverAsync(webhook, notification, options.Value.MaxAttempts, stoppingToken));
                    }
                }
            }

            await watcher;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            schedules.RunFinished -= OnRunFinished;
            await Task.WhenAll(sends);
        }
    }

    /// <summary>Queues a notification for every webhook that asked for its event.</summary>
    public void Enqueue(Notification notification) => _queue.Writer.TryWrite(notification);

    /// <summary>
    /// "Send test" on the Notifications page: one attempt to one webhook (enabled or not), in its format,
    /// recorded in the delivery log like any other; the page shows the outcome at once.
    /// </summary>
    public Task<DeliveryRecord> SendTestAsync(WebhookRecord webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var link = Link("/notifications");
        var payload = new JsonObject
        {
            ["event"] = TestEvent,
            ["webhook"] = webhook.Name,
            ["headline"] = "Test notification from AirsenalOps",
            ["link"] = link,
            ["sent_at"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        return DeliverAsync(webhook, new Notification(TestEvent, null, null, payload, $"🔔 Test notification from AirsenalOps {link}"), 1, cancellationToken);
    }

    /// <summary>The event name of a "send test" delivery.</summary>
    public const string TestEvent = "test";

    private async Task WatchAsync(JobSubscription subscription, CancellationToken stoppingToken)
    {
        try
        {
            while (await subscription.Events.WaitToReadAsync(stoppingToken))
            {
                while (subscription.Events.TryRead(out var e))
                {
                    if (e is JobChangedEvent { Job: { IsFinished: true } job } && _notified.TryAdd(job.Id + "/" + job.Status, 0))
                    {
                        if (_notified.Count > 10_000)
                        {
                            _notified.Clear();
                        }

                        Enqueue(ForJob(job));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void OnRunFinished(object? sender, ScheduleRunFinished e)
    {
        if (e.Run.Steps.Count > 1)
        {
            Enqueue(ForChain(e.Schedule, e.Run));
        }
    }

    private Notification ForJob(JobRecord job)
    {
        var status = StorageJson.ToText(job.Status);
        var duration = job.StartedAt is { } started && job.CompletedAt is { } completed ? (completed - started).TotalSeconds : (double?)null;
        var headline = Headline(job);
        var link = Link("/jobs/" + job.Id);
        var payload = new JsonObject
        {
            ["event"] = "job_" + status,
            ["job_id"] = job.Id,
            ["command"] = job.Command,
            ["status"] = status,
            ["duration_seconds"] = duration,
            ["headline"] = headline,
            ["error"] = job.Error,
            ["link"] = link,
            ["finished_at"] = job.CompletedAt?.ToString("O", CultureInfo.InvariantCulture),
        };
        var icon = job.Status == JobStatus.Completed ? "✅" : job.Status == JobStatus.Failed ? "❌" : "⏹";
        var summary = $"{icon} {job.Command} {status}{(duration is { } d ? $" in {Duration(d)}" : string.Empty)}{(headline is null ? string.Empty : " — " + headline)} {link}";
        return new Notification("job_" + status, job.Id, null, payload, summary);
    }

    private Notification ForChain(ScheduleRecord schedule, ScheduleRun run)
    {
        var duration = run.StartedAt is { } started && run.FinishedAt is { } finished ? (finished - started).TotalSeconds : (double?)null;
        var link = run.JobIds.Count > 0 ? Link("/jobs/" + run.JobIds[^1]) : Link("/");
        var payload = new JsonObject
        {
            ["event"] = NotificationService.ChainFinished,
            ["schedule_id"] = schedule.Id,
            ["schedule_name"] = schedule.Name,
            ["status"] = run.Outcome,
            ["job_ids"] = new JsonArray([.. run.JobIds.Select(id => (JsonNode?)JsonValue.Create(id))]),
            ["duration_seconds"] = duration,
            ["headline"] = run.Detail,
            ["link"] = link,
        };
        var icon = run.Outcome == "completed" ? "✅" : "❌";
        var summary = $"{icon} {schedule.Name}: chain {run.Outcome}{(duration is { } d ? $" in {Duration(d)}" : string.Empty)}{(run.Detail is null ? string.Empty : " — " + run.Detail)} {link}";
        return new Notification(NotificationService.ChainFinished, run.JobIds.Count > 0 ? run.JobIds[^1] : null, schedule.Id, payload, summary);
    }

    private async Task<DeliveryRecord> DeliverAsync(WebhookRecord webhook, Notification notification, int maxAttempts, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var id = Guid.NewGuid().ToString();
        var createdAt = time.GetUtcNow();
        int? statusCode = null;
        string? error = null;
        var attempt = 0;
        try
        {
            var url = new Uri(notifications.RevealUrl(webhook));
            JsonNode body = webhook.Format switch
            {
                "slack" => new JsonObject { ["text"] = notification.Summary },
                "discord" => new JsonObject { ["content"] = notification.Summary },
                _ => notification.Payload,
            };
            while (attempt < maxAttempts)
            {
                if (attempt > 0)
                {
                    var wait = TimeSpan.FromSeconds(settings.RetrySeconds * Math.Pow(2, attempt - 1));
                    // The log shows the failed try and when the next is due while the dispatcher waits.
                    await RecordAsync(Snapshot("retrying", null, time.GetUtcNow() + wait));
                    await Task.Delay(wait, time, stoppingToken);
                }

                attempt++;
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
                    using var response = await http.PostAsJsonAsync(url, body, timeout.Token);
                    statusCode = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        error = null;
                        break;
                    }

                    error = $"HTTP {statusCode} {response.ReasonPhrase}";
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
                {
                    statusCode = null;
                    // The URL may carry a token: name the host only.
                    error = ex is TaskCanceledException ? $"No answer from {webhook.Host} within {settings.TimeoutSeconds} s" : $"Could not reach {webhook.Host}: {((HttpRequestException)ex).HttpRequestError}";
                }
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            error = "The webhook URL cannot be decrypted with the current ENCRYPTION_KEY; set it again.";
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            error = "The console stopped before the delivery succeeded.";
        }

        var delivery = Snapshot(error is null ? "delivered" : "failed", time.GetUtcNow(), null);
        await RecordAsync(delivery);

        if (error is not null)
        {
            LogDeliveryFailed(logger, webhook.Name, notification.Event, attempt, error);
        }

        return delivery;

        DeliveryRecord Snapshot(string status, DateTimeOffset? completedAt, DateTimeOffset? nextAttemptAt) => new()
        {
            Id = id,
            WebhookId = webhook.Id,
            Event = notification.Event,
            JobId = notification.JobId,
            ScheduleId = notification.ScheduleId,
            Status = status,
            Attempts = attempt,
            StatusCode = statusCode,
            Error = error,
            CreatedAt = createdAt,
            CompletedAt = completedAt,
            NextAttemptAt = nextAttemptAt,
        };

        async Task RecordAsync(DeliveryRecord record)
        {
            try
            {
                await notifications.RecordAsync(record, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogRecordFailed(logger, ex, webhook.Name);
            }
        }
    }

    private string Link(string path) =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? path : options.Value.PublicBaseUrl.TrimEnd('/') + path;

    /// <summary>The parsed headline the AIrsenal layer put in the output, else the first line of its summary, else the error.</summary>
    private static string? Headline(JobRecord job)
    {
        if (job.Output?["headline"] is JsonValue headline && headline.TryGetValue<string>(out var text) && text.Length > 0)
        {
            return text;
        }

        if (job.Output?["summary_text"] is JsonValue summary && summary.TryGetValue<string>(out var lines) && lines.Length > 0)
        {
            return lines.Split('\n', 2)[0];
        }

        return job.Error;
    }

    private static string Duration(double seconds) =>
        seconds < 60 ? $"{seconds:0.#} s" : TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds < 3600 ? @"m\m\ s\s" : @"h\h\ m\m", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook} did not take {Event} after {Attempts} attempt(s): {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, string webhook, string @event, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record a delivery to webhook {Webhook}")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string webhook);
}
