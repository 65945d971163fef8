using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Notifications;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Integration.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Notifications;

/// <summary>Webhooks end to end: the console runs a job, a local receiver (Kestrel on 127.0.0.1:0) takes the call.</summary>
public sealed class WebhookTests : IAsyncLifetime, IDisposable
{
    private const string UrlToken = "s3cr3t-path-token";

    private readonly JobsFactory _factory = new(
        AuthTestData.Settings(("WEBHOOK_RETRY_SECONDS", "0.05"), ("WEBHOOK_MAX_ATTEMPTS", "3")),
        services => services.AddSingleton<IDeadlineSource>(new NoDeadlines()));

    private readonly ConcurrentQueue<JsonObject> _received = new();
    private WebApplication _receiver = null!;
    private HttpClient _client = null!;
    private string _url = null!;
    private int _failFirst;
    private int _calls;
    private DeliveryRecord? _seenOnSecondCall;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        _receiver = builder.Build();
        _receiver.MapPost("/hook/" + UrlToken, async (HttpRequest request) =>
        {
            var call = Interlocked.Increment(ref _calls);
            if (call == 2)
            {
                // What the delivery log says while the dispatcher waited for this second try.
                _seenOnSecondCall = (await _factory.Storage.Notifications.ListDeliveriesAsync(null, 0, 10, CancellationToken.None)).SingleOrDefault();
            }

            _received.Enqueue((await request.ReadFromJsonAsync<JsonObject>())!);
            return call <= _failFirst ? Results.StatusCode(500) : Results.Ok();
        });
        await _receiver.StartAsync();
        var address = _receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _url = address + "/hook/" + UrlToken;

        using var anonymous = _factory.CreateClient();
        _client = _factory.Authorized(await AuthTestData.LoginAsync(anonymous));
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    public void Dispose()
    {
        _client?.Dispose();
        _factory.Dispose();
    }

    private async Task<JsonObject> CreateWebhookAsync(string format = "json", params string[] events)
    {
        var response = await _client.PostAsJsonAsync("/api/notifications/webhooks", new { name = "receiver", url = _url, format, events });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<DeliveryRecord> WaitForDeliveryAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var deliveries = await _factory.Storage.Notifications.ListDeliveriesAsync(null, 0, 10, CancellationToken.None);
            // A delivery between tries is logged as retrying: wait for its outcome.
            if (deliveries.Count > 0 && deliveries.All(d => d.Status != "retrying"))
            {
                return Assert.Single(deliveries);
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("No delivery was recorded.");
    }

    [Fact]
    public async Task JobCompleted_PostsTheJsonPayload_AndLogsTheDelivery()
    {
        var webhook = await CreateWebhookAsync("json", "job_completed");
        var job = await _factory.Jobs.CreateAsync("ok", null, CancellationToken.None);

        var delivery = await WaitForDeliveryAsync();

        Assert.Equal("delivered", delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal(200, delivery.StatusCode);
        Assert.Equal(job.Id, delivery.JobId);
        Assert.Equal(webhook["id"]!.GetValue<string>(), delivery.WebhookId);
        var body = Assert.Single(_received);
        Assert.Equal("job_completed", body["event"]!.GetValue<string>());
        Assert.Equal(job.Id, body["job_id"]!.GetValue<string>());
        Assert.Equal("ok", body["command"]!.GetValue<string>());
        Assert.Equal("completed", body["status"]!.GetValue<string>());
        Assert.Equal("/jobs/" + job.Id, body["link"]!.GetValue<string>());
        Assert.True(body["duration_seconds"]!.GetValue<double>() >= 0);

        var listed = await _client.GetFromJsonAsync<JsonArray>("/api/notifications/deliveries?limit=5&webhook_id=" + delivery.WebhookId);
        Assert.Equal("delivered", Assert.Single(listed!)!["status"]!.GetValue<string>());
        Assert.Empty((await _client.GetFromJsonAsync<JsonArray>("/api/notifications/deliveries?webhook_id=other"))!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _client.GetAsync("/api/notifications/deliveries?limit=0")).StatusCode);
    }

    [Fact]
    public async Task FailingReceiver_IsRetriedWithBackoff_UntilItAnswers()
    {
        _failFirst = 2;
        await CreateWebhookAsync("slack", "job_failed");
        await _factory.Jobs.CreateAsync("fail", null, CancellationToken.None);

        var delivery = await WaitForDeliveryAsync();

        Assert.Equal("delivered", delivery.Status);
        Assert.Equal(3, delivery.Attempts);
        Assert.Null(delivery.NextAttemptAt);
        Assert.Equal(3, _received.Count);
        Assert.NotNull(_seenOnSecondCall);
        Assert.Equal(delivery.Id, _seenOnSecondCall.Id);
        Assert.Equal("retrying", _seenOnSecondCall.Status);
        Assert.Equal(1, _seenOnSecondCall.Attempts);
        Assert.Equal(500, _seenOnSecondCall.StatusCode);
        Assert.NotNull(_seenOnSecondCall.NextAttemptAt);
        Assert.Null(_seenOnSecondCall.CompletedAt);
        var text = _received.First()["text"]!.GetValue<string>();
        Assert.Contains("fail failed", text, StringComparison.Ordinal);
        Assert.Contains("/jobs/", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiverThatNeverAnswers2xx_IsGivenUpAfterMaxAttempts_AndRecordedAsFailed()
    {
        _failFirst = int.MaxValue;
        await CreateWebhookAsync("discord");
        await _factory.Jobs.CreateAsync("ok", null, CancellationToken.None);

        var delivery = await WaitForDeliveryAsync();

        Assert.Equal("failed", delivery.Status);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal(500, delivery.StatusCode);
        Assert.Equal("HTTP 500 Internal Server Error", delivery.Error);
        Assert.NotNull(_received.First()["content"]);
    }

    [Fact]
    public async Task WebhookUrl_IsEncryptedAtRest_AndNeverShownByTheApi()
    {
        var created = await CreateWebhookAsync();
        var id = created["id"]!.GetValue<string>();

        var stored = await _factory.Storage.Notifications.GetWebhookAsync(id, CancellationToken.None);
        var listed = await _client.GetStringAsync("/api/notifications/webhooks");
        var single = await _client.GetStringAsync("/api/notifications/webhooks/" + id);

        Assert.DoesNotContain(UrlToken, stored!.EncryptedUrl, StringComparison.Ordinal);
        Assert.StartsWith("gAAAAA", stored.EncryptedUrl, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", stored.Host);
        Assert.DoesNotContain(UrlToken, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(UrlToken, single, StringComparison.Ordinal);
        Assert.DoesNotContain(UrlToken, created.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(NotificationService.AllEvents, created["events"]!.AsArray().Select(e => e!.GetValue<string>()));

        var updated = await _client.PutAsJsonAsync("/api/notifications/webhooks/" + id, new { name = "renamed", enabled = false });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(stored.EncryptedUrl, (await _factory.Storage.Notifications.GetWebhookAsync(id, CancellationToken.None))!.EncryptedUrl);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/api/notifications/webhooks/" + id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/notifications/webhooks/" + id)).StatusCode);
    }

    [Fact]
    public async Task ChainFinished_IsSentWithTheScheduleAndItsJobs()
    {
        await CreateWebhookAsync("json", "chain_finished");
        var created = await _client.PostAsJsonAsync("/api/schedules", new { name = "weekly", target = "weekly_chain", cron = "0 0 1 1 *" });
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/api/schedules/{id}/run", null)).StatusCode);

        var delivery = await WaitForDeliveryAsync();

        Assert.Equal("delivered", delivery.Status);
        Assert.Equal(id, delivery.ScheduleId);
        var body = Assert.Single(_received);
        Assert.Equal("chain_finished", body["event"]!.GetValue<string>());
        Assert.Equal("weekly", body["schedule_name"]!.GetValue<string>());
        Assert.Equal("completed", body["status"]!.GetValue<string>());
        Assert.Equal(3, body["job_ids"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"url": "ftp://example.com/x"}""", "absolute http(s) URL")]
    [InlineData("""{"url": "not a url"}""", "absolute http(s) URL")]
    [InlineData("""{"url": "https://example.com/x", "format": "teams"}""", "Unknown format 'teams'")]
    [InlineData("""{"url": "https://example.com/x", "events": ["job_exploded"]}""", "Unknown event 'job_exploded'")]
    public async Task BadWebhook_Answers422WithDetail(string json, string expected)
    {
        var response = await _client.PostAsync("/api/notifications/webhooks", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(expected, await AuthTestData.DetailAsync(response), StringComparison.Ordinal);
    }

    private sealed class NoDeadlines : IDeadlineSource
    {
        public Task<IReadOnlyList<DateTimeOffset>> GetDeadlinesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DateTimeOffset>>([]);
    }
}
