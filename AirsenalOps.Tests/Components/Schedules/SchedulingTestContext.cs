using System.Net;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Notifications;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Sqlite;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Schedules;

/// <summary>
/// The real schedule and notification services on a throwaway embedded store, with a fake engine
/// (records what it is asked to start), known deadlines, a webhook receiver stub, and a switch that
/// makes the store fail so pages can be seen handling errors.
/// </summary>
public abstract class SchedulingTestContext : ConsoleTestContext, IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private SqliteStorage? _inner;

    protected SchedulingTestContext()
    {
        FirstDeadline = Now.AddDays(2);
        Deadlines = new ListDeadlines(FirstDeadline, FirstDeadline.AddDays(7), FirstDeadline.AddDays(14));
    }

    protected DateTimeOffset FirstDeadline { get; }

    protected static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    protected FlakyStorage Storage { get; private set; } = null!;

    protected RecordingJobs Jobs { get; } = new();

    protected ListDeadlines Deadlines { get; }

    protected ScheduleService Schedules { get; private set; } = null!;

    protected NotificationService Notifications { get; private set; } = null!;

    protected WebhookDispatcher Dispatcher { get; private set; } = null!;

    /// <summary>What the stub receiver answers to a webhook call.</summary>
    protected HttpStatusCode ReceiverAnswer { get; set; } = HttpStatusCode.OK;

    /// <summary>Requests the stub receiver got (URL and body).</summary>
    protected List<(Uri Url, string Body)> Received { get; } = [];

    /// <summary>Snackbar messages shown so far.</summary>
    protected IEnumerable<string> Snackbars => Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message ?? string.Empty);

    async Task IAsyncLifetime.InitializeAsync()
    {
        _inner = new SqliteStorage(_dir.File("airsenalops.db"));
        await _inner.InitializeAsync(CancellationToken.None);
        Storage = new FlakyStorage(_inner);
        var time = TimeProvider.System;
        var catalogue = new CommandCatalogue(AirsenalCommands.Peer);
        var audit = MemoryAuditStore.NewLog(time);
        Schedules = new ScheduleService(Storage, Jobs, catalogue, Deadlines, Options.Create(new ScheduleOptions()), time, audit, NullLogger<ScheduleService>.Instance);
        var cipher = new SecretCipher(time);
        cipher.Use(FernetKey.Parse(FernetKey.Generate()));
        Notifications = new NotificationService(Storage, cipher, time, audit);
        Dispatcher = new WebhookDispatcher(
            new JobNotifier(), Schedules, Notifications, new HttpClient(new StubReceiver(this)),
            Options.Create(new NotificationOptions { MaxAttempts = 1 }), time, NullLogger<WebhookDispatcher>.Instance);

        var services = new ServiceCollection();
        services.AddSingleton(Schedules);
        services.AddSingleton(Notifications);
        services.AddSingleton(Dispatcher);
        services.AddSingleton(catalogue);
        services.AddSingleton(TimeProvider.System);
        // The schedules page re-reads at the scheduler's pace: a second here, so a test sees it follow.
        services.AddSingleton(Options.Create(new ScheduleOptions { TickSeconds = 1 }));
        Services.AddFallbackServiceProvider(services.BuildServiceProvider());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Dispatcher?.Dispose();
        Schedules?.Dispose();
        _dir.Dispose();
    }

    protected Task<ScheduleRecord> AddCronScheduleAsync(string name, string cron = "0 6 * * *", string command = "update_db") =>
        Schedules.CreateAsync(new ScheduleInput(Name: name, Command: command, Cron: cron, TimeZone: "UTC"), CancellationToken.None);

    protected Task<WebhookRecord> AddWebhookAsync(string name, string url = "https://hooks.example.com/services/T000/B000/s3cr3t-token") =>
        Notifications.CreateAsync(new WebhookInput(name, url, "slack", [NotificationService.JobFailed]), CancellationToken.None);

    private sealed class StubReceiver(SchedulingTestContext test) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (test.Received)
            {
                test.Received.Add((request.RequestUri!, body));
            }

            return new HttpResponseMessage(test.ReceiverAnswer);
        }
    }
}

/// <summary>The engine side of the scheduler: remembers each start; every job reports "running".</summary>
public sealed class RecordingJobs : IScheduledJobs
{
    public List<string> Started { get; } = [];

    public Task<string> StartAsync(string command, JsonObject parameters, CancellationToken cancellationToken)
    {
        lock (Started)
        {
            Started.Add(command);
        }

        return Task.FromResult(Guid.NewGuid().ToString());
    }

    public Task<JobStatus?> GetStatusAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult<JobStatus?>(JobStatus.Running);
}

public sealed class ListDeadlines(params DateTimeOffset[] deadlines) : IDeadlineSource
{
    /// <summary>When true, reading the deadlines throws (as a broken dependency would).</summary>
    public bool Fail { get; set; }

    public Task<IReadOnlyList<DateTimeOffset>> GetDeadlinesAsync(CancellationToken cancellationToken) =>
        Fail ? throw new InvalidOperationException("deadline source is down") : Task.FromResult<IReadOnlyList<DateTimeOffset>>(deadlines);
}

/// <summary>The embedded store, whose schedule and webhook stores throw while <see cref="Fail"/> is set.</summary>
public sealed class FlakyStorage(IStorage inner) : IStorage, ISchedulesStore, INotificationsStore
{
    public bool Fail { get; set; }

    public string Kind => inner.Kind;

    public IJobStore Jobs => inner.Jobs;

    public IJobLogStore Logs => inner.Logs;

    public ISecretStore Secrets => inner.Secrets;

    public ISchedulesStore Schedules => this;

    public INotificationsStore Notifications => this;

    public IAuditStore Audit => inner.Audit;

    public IClaimStore Claims => inner.Claims;

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

    Task<IReadOnlyList<ScheduleRecord>> ISchedulesStore.ListAsync(CancellationToken cancellationToken) => Check(() => inner.Schedules.ListAsync(cancellationToken));

    Task<ScheduleRecord?> ISchedulesStore.GetAsync(string id, CancellationToken cancellationToken) => Check(() => inner.Schedules.GetAsync(id, cancellationToken));

    Task ISchedulesStore.UpsertAsync(ScheduleRecord schedule, CancellationToken cancellationToken) => Check(() => inner.Schedules.UpsertAsync(schedule, cancellationToken));

    Task<bool> ISchedulesStore.DeleteAsync(string id, CancellationToken cancellationToken) => Check(() => inner.Schedules.DeleteAsync(id, cancellationToken));

    public Task<IReadOnlyList<WebhookRecord>> ListWebhooksAsync(CancellationToken cancellationToken) => Check(() => inner.Notifications.ListWebhooksAsync(cancellationToken));

    public Task<WebhookRecord?> GetWebhookAsync(string id, CancellationToken cancellationToken) => Check(() => inner.Notifications.GetWebhookAsync(id, cancellationToken));

    public Task UpsertWebhookAsync(WebhookRecord webhook, CancellationToken cancellationToken) => Check(() => inner.Notifications.UpsertWebhookAsync(webhook, cancellationToken));

    public Task<bool> DeleteWebhookAsync(string id, CancellationToken cancellationToken) => Check(() => inner.Notifications.DeleteWebhookAsync(id, cancellationToken));

    public Task AddDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken) => Check(() => inner.Notifications.AddDeliveryAsync(delivery, cancellationToken));

    public Task<IReadOnlyList<DeliveryRecord>> ListDeliveriesAsync(string? webhookId, int skip, int limit, CancellationToken cancellationToken) =>
        Check(() => inner.Notifications.ListDeliveriesAsync(webhookId, skip, limit, cancellationToken));

    private Task<T> Check<T>(Func<Task<T>> call) => Fail ? throw new InvalidOperationException("store is down") : call();

    private Task Check(Func<Task> call) => Fail ? throw new InvalidOperationException("store is down") : call();
}
