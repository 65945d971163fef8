using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Bench;

/// <summary>
/// The console in this process on Kestrel (loopback), with the tests' fake AIrsenal script, a fixed WebSocket
/// token and two bench commands: <c>bench_lines</c> (a flood) and <c>bench_paced</c> (timestamped lines at a rate).
/// Embedded store in <paramref name="dataDir"/>, or MongoDB when <paramref name="mongoUrl"/> is given.
/// </summary>
internal sealed class InProcessConsole(string dataDir, string? mongoUrl = null) : WebApplicationFactory<global::Program>
{
    public const string SocketToken = "bench-token";

    public static string Scripts { get; } = Path.Combine(Machine.RepositoryRoot(), "AirsenalOps.Tests", "Fixtures", "fake-airsenal");

    public JobService Jobs => Services.GetRequiredService<JobService>();

    /// <summary>Starts Kestrel on a free loopback port and returns its base address.</summary>
    public Uri Start()
    {
        UseKestrel(0);
        StartServer();
        return ClientOptions.BaseAddress;
    }

    public Uri SocketAddress(string jobId) =>
        new UriBuilder(new Uri(ClientOptions.BaseAddress, $"/ws/jobs/{jobId}?token={SocketToken}")) { Scheme = "ws" }.Uri;

    public async Task<JobRecord> RunToEndAsync(string command, JsonObject parameters, TimeSpan timeout)
    {
        var job = await Jobs.CreateAsync(command, parameters, CancellationToken.None);
        return await WaitFinishedAsync(job.Id, timeout);
    }

    public async Task<JobRecord> WaitFinishedAsync(string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var current = (await Jobs.GetAsync(id, CancellationToken.None))!;
            if (current.IsFinished || DateTime.UtcNow > deadline)
            {
                return current;
            }

            await Task.Delay(20);
        }
    }

    public async Task<long> CountStdoutLinesAsync(string jobId)
    {
        long count = 0;
        await foreach (var line in Jobs.ReadAllLogsAsync(jobId, CancellationToken.None))
        {
            count += line.Source == LogSource.Stdout ? 1 : 0;
        }

        return count;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DATA_DIR", dataDir);
        builder.UseSetting("AIRSENAL_BIN_DIR", Scripts);
        builder.UseSetting("LOG_LEVEL", "WARNING");
        builder.UseSetting("MAX_JOB_RETRIES", "0");
        if (mongoUrl is not null)
        {
            builder.UseSetting("MONGO_URL", mongoUrl);
            builder.UseSetting("DB_NAME", "bench_" + Guid.NewGuid().ToString("N")[..12]);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<JobSocketTokenCheck>((token, _) => Task.FromResult(token == SocketToken ? JobSocketLease.Granted() : JobSocketLease.Refused("Invalid token")));
            var count = new CommandParameter { Name = "count", Type = ParameterType.Int, Min = 1, Max = 100_000_000 };
            services.AddJobCommand(new JobCommand { Name = "bench_lines", Description = "bench", Executable = "fake_job", FixedArguments = PipelineBench.ScriptArguments, Parameters = [count] });
            services.AddJobCommand(new JobCommand
            {
                Name = "bench_paced",
                Description = "bench",
                Executable = "fake_job",
                FixedArguments = ["paced"],
                Parameters = [count, new CommandParameter { Name = "rate", Type = ParameterType.Int, Min = 1, Max = 1_000_000 }],
            });
        });
    }
}
