using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Integration.Jobs;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Faults;

/// <summary>
/// MongoDB goes away while a job prints: the console says it is unhealthy, does not crash, holds the job's output
/// back within its bounded queues, and carries on when the server is back. Each test runs its own test server.
/// </summary>
public sealed class StorageOutageTests
{
    private const int SigStop = 19;
    private const int SigCont = 18;
    private const int Ticks = 300;

    /// <summary>300 lines at 20 a second: about 15 s of steady output.</summary>
    private static readonly JobCommand Ticker = new()
    {
        Name = "ticker",
        Description = "test: ticks",
        Executable = "fake_job",
        FixedArguments = ["ticks", "--rate", "20", "--count", Ticks.ToString(CultureInfo.InvariantCulture)],
        IdleTimeout = TimeSpan.FromMinutes(5),
    };

    private static readonly Uri Health = new("/api/health", UriKind.Relative);

    [Fact]
    public async Task ServerHangsMidJob_HealthIs503_NoLineIsLost_AndTheJobCompletesWhenItIsBack()
    {
        var port = FreePort();
        var server = await MongoTestServer.StartLocalAsync(port);
        try
        {
            using var factory = Factory(port);
            var client = factory.CreateClient();
            var engine = factory.Services.GetRequiredService<JobEngine>();
            var job = await factory.Jobs.CreateAsync(Ticker.Name, null, CancellationToken.None);
            await WaitForTicksAsync(factory, job.Id, 20);

            ProcessGroup.SignalProcess(server.ProcessId, SigStop);
            try
            {
                await WaitForHealthAsync(client, HttpStatusCode.ServiceUnavailable);
                // The job prints on (into the console's bounded queues, then its pipe) and ends while the server hangs.
                await ConsoleKillTests.WaitUntilAsync(() => Task.FromResult(ProcessGroup.FindByMarker(job.Id).Count == 0), seconds: 120);
                await WaitForHealthAsync(client, HttpStatusCode.ServiceUnavailable);
                // Its lines wait for the store: the job is still the engine's.
                Assert.Contains(job.Id, engine.RunningJobIds);
            }
            finally
            {
                ProcessGroup.SignalProcess(server.ProcessId, SigCont);
            }

            await WaitForHealthAsync(client, HttpStatusCode.OK);
            var done = await factory.WaitForFinishAsync(job.Id, seconds: 180);
            Assert.Equal(JobStatus.Completed, done.Status);
            var lines = await factory.AllLinesAsync(job.Id);
            Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => (long)i), lines.Select(l => l.Seq));
            Assert.Equal(Enumerable.Range(1, Ticks).Select(i => $"tick {i}"), lines.Where(l => l.Text.StartsWith("tick ", StringComparison.Ordinal)).Select(l => l.Text));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ServerDiesMidJob_HealthIs503_HostStaysUp_AndRecoversWhenItIsRestartedOnTheSamePort()
    {
        var port = FreePort();
        var server = await MongoTestServer.StartLocalAsync(port);
        try
        {
            using var factory = Factory(port);
            var client = factory.CreateClient();
            var engine = factory.Services.GetRequiredService<JobEngine>();
            var job = await factory.Jobs.CreateAsync(Ticker.Name, null, CancellationToken.None);
            await WaitForTicksAsync(factory, job.Id, 20);

            await server.DisposeAsync();
            await WaitForHealthAsync(client, HttpStatusCode.ServiceUnavailable);
            await Task.Delay(TimeSpan.FromSeconds(3));
            await WaitForHealthAsync(client, HttpStatusCode.ServiceUnavailable);

            // The test server keeps its data in memory: it comes back empty, as after a disaster.
            server = await MongoTestServer.StartLocalAsync(port);
            await WaitForHealthAsync(client, HttpStatusCode.OK);

            // The interrupted job does not stay on the engine for ever, and the queue works again.
            await ConsoleKillTests.WaitUntilAsync(() => Task.FromResult(!engine.RunningJobIds.Contains(job.Id)), seconds: 180);
            var next = await factory.Jobs.CreateAsync(TestCommands.Ok.Name, null, CancellationToken.None);
            Assert.Equal(JobStatus.Completed, (await factory.WaitForFinishAsync(next.Id, seconds: 90)).Status);
            Assert.Contains(await factory.AllLinesAsync(next.Id), l => l.Text == "done");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static JobsFactory Factory(int port) => new(
        new Dictionary<string, string?>
        {
            ["MONGO_URL"] = $"mongodb://127.0.0.1:{port}/?serverSelectionTimeoutMS=2000&connectTimeoutMS=2000",
            ["DB_NAME"] = "airsenal_outage",
        },
        services => services.AddJobCommand(Ticker));

    private static async Task WaitForTicksAsync(JobsFactory factory, string id, int count) =>
        await ConsoleKillTests.WaitUntilAsync(async () => (await factory.AllLinesAsync(id)).Count(l => l.Text.StartsWith("tick ", StringComparison.Ordinal)) >= count);

    /// <summary>Health answers (the host is up) with <paramref name="expected"/>; a 503 names storage as failing.</summary>
    private static async Task WaitForHealthAsync(HttpClient client, HttpStatusCode expected)
    {
        await ConsoleKillTests.WaitUntilAsync(async () =>
        {
            using var response = await client.GetAsync(Health);
            if (response.StatusCode != expected)
            {
                return false;
            }

            if (expected == HttpStatusCode.ServiceUnavailable)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal("storage", body.GetProperty("failing").GetString());
                Assert.False(body.GetProperty("storage").GetProperty("ok").GetBoolean());
            }

            return true;
        }, seconds: 90);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
