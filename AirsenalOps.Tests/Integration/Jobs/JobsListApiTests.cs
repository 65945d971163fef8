using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>
/// GET /api/jobs answers from a cache of its serialised body: the same bytes as before, and never a
/// listing older than the last job write this console made.
/// </summary>
public sealed class JobsListApiTests : AdminApiTest
{
    private static readonly DateTimeOffset T0 = new(2026, 8, 8, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The exact bytes the endpoint wrote before it had a cache (captured from that code, plus the additive progress_done/progress_total), twice: cold and cached.</summary>
    [Fact]
    public async Task List_BodyIsByteForByteTheSameAsBeforeTheCache()
    {
        foreach (var job in GoldenJobs())
        {
            await Factory.Storage.Jobs.InsertAsync(job, CancellationToken.None);
        }

        for (var i = 0; i < 2; i++)
        {
            using var response = await Client.GetAsync("/api/jobs?command=golden");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            Assert.Equal(GoldenBody, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task List_ShowsEachWriteOfAJobsRunAtOnce_CreateClaimCancelFinishProgressOutput()
    {
        Assert.Empty(await ListAsync(string.Empty));

        // A process tree that runs until it is cancelled.
        var created = await Client.PostAsJsonAsync("/api/jobs", new { command = "tree" });
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        Assert.Equal(id, Text(Assert.Single(await ListAsync(string.Empty)), "id"));

        await Factory.WaitForJobAsync(id, j => j.Status == JobStatus.Running);
        Assert.Equal("running", Text(await ListedAsync(id), "status"));

        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/jobs/{id}/cancel", null)).StatusCode);
        Assert.Contains(Text(await ListedAsync(id), "status"), new[] { "cancelling", "cancelled" });

        await Factory.WaitForFinishAsync(id);
        var cancelled = await ListedAsync(id);
        Assert.Equal("cancelled", Text(cancelled, "status"));
        Assert.NotNull(cancelled["completed_at"]);

        // The engine's progress, output and hint writes.
        var hooked = await Factory.Jobs.CreateAsync("hooked", new JsonObject { ["count"] = 20 }, CancellationToken.None);
        // Listed at once, at whatever stage the engine has reached; this answer is cached until the next write.
        Assert.NotNull(await ListedAsync(hooked.Id));
        await Factory.WaitForFinishAsync(hooked.Id);
        var done = await ListedAsync(hooked.Id);
        Assert.Equal("completed", Text(done, "status"));
        Assert.Equal(100, done["progress"]!.GetValue<double>());
        Assert.Equal("test", done["output"]!["type"]!.GetValue<string>());
        Assert.Equal("a hint", Text(done, "hint"));
    }

    [Fact]
    public async Task List_ShowsRetryGiveUpAndStoreInsertsAtOnce()
    {
        var failed = await Factory.Jobs.CreateAsync("fail", null, CancellationToken.None);
        await Factory.WaitForFinishAsync(failed.Id);
        var listed = await ListedAsync(failed.Id);
        Assert.Equal("failed", Text(listed, "status"));
        Assert.Equal(0, listed["retry_count"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/jobs/{failed.Id}/retry", null)).StatusCode);
        // Queued again (it may already be running, or even have failed once more): the count shows the retry.
        Assert.Equal(1, (await ListedAsync(failed.Id))["retry_count"]!.GetValue<int>());

        var waiting = new JobRecord
        {
            Id = Guid.NewGuid().ToString(),
            Command = "fail",
            Status = JobStatus.Pending,
            RetryCount = 1,
            MaxRetries = 3,
            Error = "exit code 1",
            CreatedAt = DateTimeOffset.UtcNow,
            NextAttemptAt = new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        await Factory.Storage.Jobs.InsertAsync(waiting, CancellationToken.None);
        Assert.Equal("retrying", Text(await ListedAsync(waiting.Id), "display_status"));

        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/jobs/{waiting.Id}/give-up", null)).StatusCode);
        var givenUp = await ListedAsync(waiting.Id);
        Assert.Equal("failed", Text(givenUp, "status"));
        Assert.Equal("failed", Text(givenUp, "display_status"));
    }

    [Fact]
    public async Task List_DifferentQueryStrings_NeverGetEachOthersAnswer()
    {
        // Finished jobs of commands the engine does not know: nothing changes them during the test.
        var a1 = await InsertAsync("cmd_a", JobStatus.Completed, 1);
        var b1 = await InsertAsync("cmd_b", JobStatus.Failed, 2);
        var a2 = await InsertAsync("cmd_a", JobStatus.Failed, 3);
        var b2 = await InsertAsync("cmd_b", JobStatus.Completed, 4);
        var expected = new Dictionary<string, string[]>
        {
            [""] = [b2, a2, b1, a1],
            ["?command=cmd_a"] = [a2, a1],
            ["?command=cmd_b"] = [b2, b1],
            ["?status=failed"] = [a2, b1],
            ["?status=completed&command=cmd_a"] = [a1],
            ["?limit=1"] = [b2],
            ["?skip=1"] = [a2, b1, a1],
            ["?skip=1&limit=2"] = [a2, b1],
            ["?skip=4"] = [],
            ["?command=nothing"] = [],
        };

        // Twice, in two orders: the second round answers from the cache.
        foreach (var round in new[] { expected.Keys.ToList(), expected.Keys.Reverse().ToList() })
        {
            foreach (var query in round)
            {
                var ids = (await ListAsync(query)).Select(j => j["id"]!.GetValue<string>()).ToList();
                Assert.True(expected[query].SequenceEqual(ids), $"{query}: {string.Join(", ", ids)}");
            }
        }
    }

    [Theory]
    [InlineData("?status=bogus", HttpStatusCode.UnprocessableEntity, "Unknown status 'bogus'")]
    [InlineData("?status=1", HttpStatusCode.UnprocessableEntity, "Unknown status '1'")]
    [InlineData("?skip=-1", HttpStatusCode.UnprocessableEntity, "skip must be 0 or more")]
    [InlineData("?limit=0", HttpStatusCode.UnprocessableEntity, "limit between 1 and 500")]
    [InlineData("?limit=501", HttpStatusCode.UnprocessableEntity, "limit between 1 and 500")]
    [InlineData("?limit=many", HttpStatusCode.BadRequest, "limit")]
    public async Task List_BadQueryString_IsRefusedWithDetail_EvenWithAListingCached(string query, HttpStatusCode status, string detail)
    {
        await InsertAsync("cmd_a", JobStatus.Completed, 1);
        Assert.Single(await ListAsync(string.Empty));
        Assert.Single(await ListAsync(string.Empty));

        using var response = await Client.GetAsync("/api/jobs" + query);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<List<JsonObject>> ListAsync(string query) =>
        [.. (await Client.GetFromJsonAsync<JsonArray>("/api/jobs" + query))!.Select(j => j!.AsObject())];

    /// <summary>The job as GET /api/jobs lists it right now.</summary>
    private async Task<JsonObject> ListedAsync(string id) =>
        (await ListAsync(string.Empty)).Single(j => j["id"]!.GetValue<string>() == id);

    private static string Text(JsonObject job, string field) => job[field]!.GetValue<string>();

    private async Task<string> InsertAsync(string command, JobStatus status, int minute)
    {
        var job = new JobRecord { Id = Guid.NewGuid().ToString(), Command = command, Status = status, CreatedAt = T0.AddMinutes(minute) };
        await Factory.Storage.Jobs.InsertAsync(job, CancellationToken.None);
        return job.Id;
    }

    private const string GoldenBody = """
        [{"id":"00000000-0000-0000-0000-000000000003","command":"golden","parameters":{},"status":"cancelled","display_status":"cancelled","output":null,"error":"Cancelled by the user.","retry_count":0,"max_retries":0,"created_at":"2026-08-08T10:20:00+00:00","started_at":null,"completed_at":"2026-08-08T10:21:00+00:00","next_attempt_at":null,"hint":null,"command_line":null,"exit_code":null,"progress":null,"eta":null,"attempts":[],"progress_done":null,"progress_total":null},{"id":"00000000-0000-0000-0000-000000000002","command":"golden","parameters":{},"status":"pending","display_status":"retrying","output":null,"error":"exit code 1","retry_count":1,"max_retries":3,"created_at":"2026-08-08T10:10:00+00:00","started_at":null,"completed_at":null,"next_attempt_at":"2099-01-01T00:00:00+00:00","hint":null,"command_line":null,"exit_code":null,"progress":null,"eta":null,"attempts":[{"number":1,"started_at":"2026-08-08T10:10:00+00:00","ended_at":"2026-08-08T10:11:00+00:00","exit_code":1,"outcome":"failed","error":"exit code 1"}],"progress_done":null,"progress_total":null},{"id":"00000000-0000-0000-0000-000000000001","command":"golden","parameters":{"weeks_ahead":3,"name":"Ødegaard ⚽ \"q\" <b>&","ratio":0.125,"none":null},"status":"completed","display_status":"completed","output":{"type":"optimisation","best_points":61.25,"transfers":[{"in":"Salah","out":"Saka"}],"summary_text":"Captain: Haaland\nVice: Salah — £14.5m"},"error":null,"retry_count":0,"max_retries":2,"created_at":"2026-08-08T10:00:00.1234567+00:00","started_at":"2026-08-08T10:00:01+00:00","completed_at":"2026-08-08T10:03:00+00:00","next_attempt_at":null,"hint":"Ødegaard <b> & \"x\" — a hint","command_line":"airsenal_run_optimization --weeks_ahead 3","exit_code":0,"progress":100,"eta":"2026-08-08T10:04:00+00:00","attempts":[{"number":1,"started_at":"2026-08-08T10:00:01+00:00","ended_at":"2026-08-08T10:03:00+00:00","exit_code":0,"outcome":"completed","error":null}],"progress_done":null,"progress_total":null}]
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
