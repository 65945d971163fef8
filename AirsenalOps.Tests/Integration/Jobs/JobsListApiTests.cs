using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>
/// GET /api/jobs answers from a cache of its serialised body: the same bytes as before, and never a
/// listing older than the last job write this console made.
/// </summary>
public sealed class JobsListApiTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 8, 8, 10, 0, 0, TimeSpan.Zero);
    private readonly JobsFactory _factory = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await _factory.AdminClientAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    /// <summary>The exact bytes the endpoint wrote before it had a cache (captured from that code), twice: cold and cached.</summary>
    [Fact]
    public async Task List_BodyIsByteForByteTheSameAsBeforeTheCache()
    {
        foreach (var job in GoldenJobs())
        {
            await _factory.Storage.Jobs.InsertAsync(job, CancellationToken.None);
        }

        for (var i = 0; i < 2; i++)
        {
            using var response = await _client.GetAsync("/api/jobs?command=golden");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            Assert.Equal(GoldenBody, await response.Content.ReadAsStringAsync());
        }
    }

    private const string GoldenBody = """
        [{"id":"00000000-0000-0000-0000-000000000003","command":"golden","parameters":{},"status":"cancelled","display_status":"cancelled","output":null,"error":"Cancelled by the user.","retry_count":0,"max_retries":0,"created_at":"2026-08-08T10:20:00+00:00","started_at":null,"completed_at":"2026-08-08T10:21:00+00:00","next_attempt_at":null,"hint":null,"command_line":null,"exit_code":null,"progress":null,"eta":null,"attempts":[]},{"id":"00000000-0000-0000-0000-000000000002","command":"golden","parameters":{},"status":"pending","display_status":"retrying","output":null,"error":"exit code 1","retry_count":1,"max_retries":3,"created_at":"2026-08-08T10:10:00+00:00","started_at":null,"completed_at":null,"next_attempt_at":"2099-01-01T00:00:00+00:00","hint":null,"command_line":null,"exit_code":null,"progress":null,"eta":null,"attempts":[{"number":1,"started_at":"2026-08-08T10:10:00+00:00","ended_at":"2026-08-08T10:11:00+00:00","exit_code":1,"outcome":"failed","error":"exit code 1"}]},{"id":"00000000-0000-0000-0000-000000000001","command":"golden","parameters":{"weeks_ahead":3,"name":"Ødegaard ⚽ \"q\" <b>&","ratio":0.125,"none":null},"status":"completed","display_status":"completed","output":{"type":"optimisation","best_points":61.25,"transfers":[{"in":"Salah","out":"Saka"}],"summary_text":"Captain: Haaland\nVice: Salah — £14.5m"},"error":null,"retry_count":0,"max_retries":2,"created_at":"2026-08-08T10:00:00.1234567+00:00","started_at":"2026-08-08T10:00:01+00:00","completed_at":"2026-08-08T10:03:00+00:00","next_attempt_at":null,"hint":"Ødegaard <b> & \"x\" — a hint","command_line":"airsenal_run_optimization --weeks_ahead 3","exit_code":0,"progress":100,"eta":"2026-08-08T10:04:00+00:00","attempts":[{"number":1,"started_at":"2026-08-08T10:00:01+00:00","ended_at":"2026-08-08T10:03:00+00:00","exit_code":0,"outcome":"completed","error":null}]}]
        """;

    private static IEnumerable<JobRecord> GoldenJobs()
    {
        yield return new JobRecord
        {
            Id = "00000000-0000-0000-0000-000000000001",
            Command = "golden",
            Parameters = new JsonObject { ["weeks_ahead"] = 3, ["name"] = "Ødegaard ⚽ \"q\" <b>&", ["ratio"] = 0.125, ["none"] = null },
            Status = JobStatus.Completed,
            Output = new JsonObject
            {
                ["type"] = "optimisation",
                ["best_points"] = 61.25,
                ["transfers"] = new JsonArray(new JsonObject { ["in"] = "Salah", ["out"] = "Saka" }),
                ["summary_text"] = "Captain: Haaland\nVice: Salah — £14.5m",
            },
            MaxRetries = 2,
            CreatedAt = T0.AddTicks(1_234_567),
            StartedAt = T0.AddSeconds(1),
            CompletedAt = T0.AddMinutes(3),
            Hint = "Ødegaard <b> & \"x\" — a hint",
            CommandLine = "airsenal_run_optimization --weeks_ahead 3",
            ExitCode = 0,
            ProcessGroupId = 4242,
            Owner = "console-a",
            Progress = 100,
            Eta = T0.AddMinutes(4),
            Attempts = [new JobAttempt(1, T0.AddSeconds(1), T0.AddMinutes(3), 0, "completed", null)],
            LegacyLogs = ["an inline line the list does not show"],
        };
        yield return new JobRecord
        {
            Id = "00000000-0000-0000-0000-000000000002",
            Command = "golden",
            Status = JobStatus.Pending,
            Error = "exit code 1",
            RetryCount = 1,
            MaxRetries = 3,
            CreatedAt = T0.AddMinutes(10),
            // Far ahead, so the engine leaves the waiting retry alone.
            NextAttemptAt = new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Attempts = [new JobAttempt(1, T0.AddMinutes(10), T0.AddMinutes(11), 1, "failed", "exit code 1")],
        };
        yield return new JobRecord
        {
            Id = "00000000-0000-0000-0000-000000000003",
            Command = "golden",
            Status = JobStatus.Cancelled,
            CreatedAt = T0.AddMinutes(20),
            CompletedAt = T0.AddMinutes(21),
            Error = "Cancelled by the user.",
        };
    }
}
