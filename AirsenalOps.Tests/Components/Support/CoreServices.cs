using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Reports;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AirsenalOps.Tests.Components.Support;

/// <summary>
/// The real Core services on a throwaway embedded store, for components to call in-process as on the
/// circuit. The host is built but not started: the job engine does not run, so a queued job stays
/// pending and a test sets every state it needs by writing the store.
/// </summary>
public sealed class CoreServices : IAsyncDisposable
{
    private readonly TempDirectory _data = new();
    private readonly IHost _host;

    private CoreServices(IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATA_DIR"] = _data.Path,
            ["AIRSENAL_BIN_DIR"] = _data.Path,
            ["PERSISTENT_DB_PATH"] = System.IO.Path.Combine(_data.Path, "airsenal", "data.db"),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.AddStorage();
        builder.AddAirsenal();
        builder.AddJobs();
        builder.AddAirsenalCommands();
        builder.AddReports();
        // Last, so a test's own services (secrets, an FPL client) replace the defaults.
        configure?.Invoke(builder.Services);
        _host = builder.Build();
    }

    /// <summary>
    /// The real clock: pages throttle with timers (and MudBlazor debounces with its own), which a
    /// frozen fake clock would stall. Tests place times relative to now.
    /// </summary>
    public TimeProvider Clock { get; } = TimeProvider.System;

    public IServiceProvider Services => _host.Services;

    public IStorage Storage => Services.GetRequiredService<IStorage>();

    public JobService Jobs => Services.GetRequiredService<JobService>();

    public JobNotifier Notifier => Services.GetRequiredService<JobNotifier>();

    public string DataDir => _data.Path;

    /// <summary>Where AIrsenal's database is expected (PERSISTENT_DB_PATH); absent until a test creates it.</summary>
    public string AirsenalDbPath => System.IO.Path.Combine(_data.Path, "airsenal", "data.db");

    public static async Task<CoreServices> CreateAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var services = new CoreServices(settings, configure);
        await services.Storage.InitializeAsync(CancellationToken.None);
        return services;
    }

    /// <summary>Stores a job as if the engine had brought it to this state.</summary>
    public async Task<JobRecord> AddJobAsync(JobRecord job)
    {
        await Storage.Jobs.InsertAsync(job, CancellationToken.None);
        return job;
    }

    public static JobRecord NewJob(string command = "predict", JobStatus status = JobStatus.Pending, DateTimeOffset? created = null) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Command = command,
        Status = status,
        CreatedAt = created ?? new DateTimeOffset(2026, 11, 27, 19, 0, 0, TimeSpan.Zero),
        MaxRetries = 3,
    };

    public async Task AddLinesAsync(string jobId, params string[] texts)
    {
        var last = await Storage.Logs.LastSeqAsync(jobId, CancellationToken.None);
        var lines = texts.Select((text, i) => new LogLine(last + i + 1, Clock.GetUtcNow(), LogSource.Stdout, text)).ToArray();
        await Storage.Logs.AppendAsync(jobId, lines, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }

        _data.Dispose();
    }
}
