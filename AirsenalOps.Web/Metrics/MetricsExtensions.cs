using System.Security.Cryptography;
using System.Text;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Api;
using AirsenalOps.Web.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace AirsenalOps.Web.Metrics;

public sealed record MetricsOptions
{
    /// <summary>A bearer token for scrapers, so Prometheus needs no admin login; the admin token works too.</summary>
    [ConfigurationKeyName("METRICS_TOKEN")]
    public string? Token { get; init; }
}

/// <summary>
/// The console's Prometheus metrics in a registry of its own (one per host, so test hosts never share
/// collectors). Store-derived gauges are read at scrape time; durations are observed as jobs finish.
/// </summary>
public sealed class ConsoleMetrics : BackgroundService
{
    private readonly IStorage _storage;
    private readonly CommandCatalogue _catalogue;
    private readonly JobNotifier _notifier;
    private readonly LiveSubscribers _live;
    private readonly Gauge _jobs;
    private readonly Gauge _queue;
    private readonly Gauge _logLines;
    private readonly Histogram _duration;
    private readonly Gauge _subscribers;

    public ConsoleMetrics(IStorage storage, CommandCatalogue catalogue, JobNotifier notifier, LiveSubscribers live)
    {
        _live = live;
        _storage = storage;
        _catalogue = catalogue;
        _notifier = notifier;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _jobs = Factory.CreateGauge("airsenalops_jobs", "Stored jobs by command and status.", ["command", "status"]);
        _queue = Factory.CreateGauge("airsenalops_queue_depth", "Pending jobs waiting to run.");
        _logLines = Factory.CreateGauge("airsenalops_log_lines_stored", "Job log lines in the store.");
        _duration = Factory.CreateHistogram("airsenalops_job_duration_seconds", "Run time of finished jobs.", new HistogramConfiguration
        {
            LabelNames = ["command", "status"],
            Buckets = Histogram.ExponentialBuckets(1, 2, 16),
        });
        _subscribers = Factory.CreateGauge("airsenalops_live_subscribers", "Live viewers of the job feed: WebSocket clients and Blazor circuits.", ["kind"]);
        Registry.AddBeforeCollectCallback(CollectAsync);
    }

    public CollectorRegistry Registry { get; }

    public IMetricFactory Factory { get; }

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        foreach (var command in _catalogue.All)
        {
            foreach (var status in Enum.GetValues<JobStatus>())
            {
                _jobs.WithLabels(command.Name, StorageJson.ToText(status)).Set(await _storage.Jobs.CountAsync(new JobFilter(status, command.Name), cancellationToken));
            }
        }

        _queue.Set(await _storage.Jobs.CountAsync(new JobFilter(JobStatus.Pending), cancellationToken));
        _logLines.Set(await _storage.Logs.CountAllAsync(cancellationToken));
        _subscribers.WithLabels(LiveSubscribers.WebSocket).Set(_live.WebSockets);
        _subscribers.WithLabels(LiveSubscribers.Circuit).Set(_live.Circuits);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = _notifier.SubscribeAll();
        await WatchAsync(subscription, stoppingToken);
    }

    private async Task WatchAsync(JobSubscription subscription, CancellationToken stoppingToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await subscription.Events.WaitToReadAsync(stoppingToken))
            {
                while (subscription.Events.TryRead(out var e))
                {
                    if (e is JobChangedEvent { Job: { IsFinished: true, StartedAt: { } started, CompletedAt: { } completed } job } && seen.Add(job.Id + "/" + job.Status))
                    {
                        _duration.WithLabels(job.Command, StorageJson.ToText(job.Status)).Observe((completed - started).TotalSeconds);
                        if (seen.Count > 10_000)
                        {
                            seen.Clear();
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}

public static class MetricsExtensions
{
    public static WebApplicationBuilder AddMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().Bind(builder.Configuration);
        builder.Services.TryAddSingleton<LiveSubscribers>();
        builder.Services.AddSingleton<ConsoleMetrics>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConsoleMetrics>());
        return builder;
    }

    /// <summary>HTTP request counts, durations and in-flight requests, into the console's registry.</summary>
    public static WebApplication UseMetrics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<ConsoleMetrics>();
        app.UseHttpMetrics(options => options.SetMetricFactory(metrics.Factory));
        return app;
    }

    /// <summary>/metrics for a bearer METRICS_TOKEN or the admin's token.</summary>
    public static WebApplication MapMetricsEndpoint(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<ConsoleMetrics>();
        app.MapMetrics("/metrics", metrics.Registry).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
            var expected = http.RequestServices.GetRequiredService<IOptions<MetricsOptions>>().Value.Token;
            if (token is not null && !string.IsNullOrEmpty(expected)
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected)))
            {
                return await next(context);
            }

            var admin = await http.RequestServices.GetRequiredService<AdminTokenValidator>().ValidateAsync(token, http.RequestAborted);
            return admin.IsValid ? await next(context) : ApiResults.Error(StatusCodes.Status401Unauthorized, "Not authenticated");
        });
        return app;
    }
}
