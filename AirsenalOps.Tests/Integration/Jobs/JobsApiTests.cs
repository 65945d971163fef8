using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>The peer console's /api/jobs contract, plus our additions.</summary>
public sealed class JobsApiTests : AdminApiTest
{
    [Fact]
    public async Task WithoutToken_JobsAndCommandsAre401()
    {
        using var anonymous = Factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/jobs", new { command = "predict" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/commands")).StatusCode);
    }

    [Fact]
    public async Task Create_ReturnsPendingJobDocument()
    {
        var response = await Client.PostAsJsonAsync("/api/jobs", new { command = "predict", parameters = new { weeks_ahead = 4 } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var job = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("pending", job["status"]!.GetValue<string>());
        Assert.Equal("predict", job["command"]!.GetValue<string>());
        Assert.Equal(4, job["parameters"]!["weeks_ahead"]!.GetValue<int>());
        Assert.Equal(0, job["retry_count"]!.GetValue<int>());
        Assert.NotNull(job["created_at"]);
        Assert.Empty(job["logs"]!.AsArray());
        Assert.True(Guid.TryParse(job["id"]!.GetValue<string>(), out _));
    }

    [Theory]
    [InlineData("""{"command":"nope"}""", "Unknown command 'nope'")]
    [InlineData("""{"command":"predict","parameters":{"weeks_ahead":99}}""", "Parameter 'weeks_ahead' must be an integer from 1 to 38")]
    [InlineData("""{"command":"predict","parameters":{"weeks":3}}""", "Unknown parameter 'weeks'")]
    [InlineData("""{"command":"optimize","parameters":{"wildcard_week":"x"}}""", "Parameter 'wildcard_week'")]
    public async Task Create_BadCommandOrParameter_Is422NamingIt(string body, string detail)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await Client.PostAsync("/api/jobs", content);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(detail, error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAndLogs_ReturnTailCountPagesDownloadAndOutput()
    {
        var created = await Factory.Jobs.CreateAsync("lines", new JsonObject { ["count"] = 30 }, CancellationToken.None);
        await Factory.WaitForFinishAsync(created.Id);

        var job = (await Client.GetFromJsonAsync<JsonObject>($"/api/jobs/{created.Id}"))!;
        Assert.Equal("completed", job["status"]!.GetValue<string>());
        Assert.Equal("completed", job["display_status"]!.GetValue<string>());
        var count = job["log_count"]!.GetValue<long>();
        Assert.Equal(32, count); // attempt line, 30 lines, finish line
        Assert.Equal(32, job["logs"]!.AsArray().Count);

        var page = (await Client.GetFromJsonAsync<JsonObject>($"/api/jobs/{created.Id}/logs?after=5&limit=3"))!;
        var lines = page["lines"]!.AsArray();
        Assert.Equal([6L, 7L, 8L], lines.Select(l => l!["seq"]!.GetValue<long>()));
        Assert.Equal("line 5", lines[0]!["text"]!.GetValue<string>());
        Assert.Equal("stdout", lines[0]!["source"]!.GetValue<string>());
        Assert.Equal(8, page["next_after"]!.GetValue<long>());

        var download = await Client.GetAsync($"/api/jobs/{created.Id}/logs.txt");
        Assert.Equal("text/plain", download.Content.Headers.ContentType!.MediaType);
        var text = await download.Content.ReadAsStringAsync();
        Assert.Contains("line 1\nline 2\n", text, StringComparison.Ordinal);
        Assert.Equal(32, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var output = (await Client.GetFromJsonAsync<JsonObject>($"/api/jobs/{created.Id}/output"))!;
        Assert.Equal(created.Id, output["id"]!.GetValue<string>());
        Assert.Equal("lines", output["command"]!.GetValue<string>());
        Assert.True(output.ContainsKey("output"));

        var list = (await Client.GetFromJsonAsync<JsonArray>("/api/jobs?status=completed&command=lines"))!;
        Assert.Contains(list, j => j!["id"]!.GetValue<string>() == created.Id);
        Assert.Empty((await Client.GetFromJsonAsync<JsonArray>("/api/jobs?status=failed"))!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Client.GetAsync("/api/jobs?status=bogus")).StatusCode);
    }

    [Fact]
    public async Task MaxLogLines_LimitsTheInlineLogsButNotTheCount()
    {
        using var factory = new JobsFactory(new Dictionary<string, string?> { ["MAX_LOG_LINES"] = "5" });
        using var client = await factory.AdminClientAsync();
        var created = await factory.Jobs.CreateAsync("lines", new JsonObject { ["count"] = 20 }, CancellationToken.None);
        await factory.WaitForFinishAsync(created.Id);

        var job = (await client.GetFromJsonAsync<JsonObject>($"/api/jobs/{created.Id}"))!;

        Assert.Equal(22, job["log_count"]!.GetValue<long>());
        var logs = job["logs"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Equal(5, logs.Count);
        Assert.Equal("line 17", logs[0]);
    }

    [Fact]
    public async Task UnknownJob_Is404WithDetail()
    {
        foreach (var path in new[] { "/api/jobs/nope", "/api/jobs/nope/output", "/api/jobs/nope/logs", "/api/jobs/nope/logs.txt" })
        {
            var response = await Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("Job not found", (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Client.PostAsync("/api/jobs/nope/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync("/api/jobs/nope/logs")).StatusCode);
    }

    [Fact]
    public async Task Cancel_RunningJobThenFinished_Is200Then400()
    {
        var created = await Factory.Jobs.CreateAsync("tree", null, CancellationToken.None);
        await Factory.WaitForJobAsync(created.Id, j => j.Status == JobStatus.Running);

        var deleteWhileRunning = await Client.DeleteAsync($"/api/jobs/{created.Id}/logs");
        Assert.Equal(HttpStatusCode.BadRequest, deleteWhileRunning.StatusCode);

        var cancel = await Client.PostAsync($"/api/jobs/{created.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var body = (await cancel.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(body["success"]!.GetValue<bool>());
        Assert.Equal(created.Id, body["job_id"]!.GetValue<string>());
        await Factory.WaitForFinishAsync(created.Id);

        var again = await Client.PostAsync($"/api/jobs/{created.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("already cancelled", (await again.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteLogs_OneJobAndAll()
    {
        var first = await Factory.Jobs.CreateAsync("ok", null, CancellationToken.None);
        var second = await Factory.Jobs.CreateAsync("ok", null, CancellationToken.None);
        await Factory.WaitForFinishAsync(first.Id);
        await Factory.WaitForFinishAsync(second.Id);

        var one = await Client.DeleteAsync($"/api/jobs/{first.Id}/logs");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(first.Id, (await one.Content.ReadFromJsonAsync<JsonObject>())!["job_id"]!.GetValue<string>());
        Assert.Equal(0, await Factory.Jobs.CountLogsAsync(first.Id, CancellationToken.None));
        Assert.True(await Factory.Jobs.CountLogsAsync(second.Id, CancellationToken.None) > 0);

        var all = await Client.DeleteAsync("/api/jobs/logs");
        var cleared = (await all.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(cleared["success"]!.GetValue<bool>());
        Assert.Equal(1, cleared["cleared"]!.GetValue<int>());
        Assert.Equal(0, await Factory.Jobs.CountLogsAsync(second.Id, CancellationToken.None));
    }

    [Fact]
    public async Task PurgedJob_SaysSoInAnExtraField_AndAJobNotPurgedHasNone()
    {
        var purged = new JobRecord
        {
            Id = Guid.NewGuid().ToString(),
            Command = "predict",
            Status = JobStatus.Completed,
            CreatedAt = DateTimeOffset.UtcNow,
            Output = new JsonObject { ["headline"] = "kept" },
            LogsPurged = new JobLogsPurged(new DateTimeOffset(2026, 11, 1, 3, 0, 0, TimeSpan.Zero), "size", 42),
        };
        await Factory.Storage.Jobs.InsertAsync(purged, CancellationToken.None);
        var plain = await Factory.Jobs.CreateAsync("predict", null, CancellationToken.None);

        var job = (await Client.GetFromJsonAsync<JsonObject>($"/api/jobs/{purged.Id}"))!;
        Assert.Equal("size", job["logs_purged"]!["rule"]!.GetValue<string>());
        Assert.Equal(42, job["logs_purged"]!["lines"]!.GetValue<long>());
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 3, 0, 0, TimeSpan.Zero), job["logs_purged"]!["at"]!.GetValue<DateTimeOffset>());
        Assert.Equal("kept", job["output"]!["headline"]!.GetValue<string>());
        Assert.Empty(job["logs"]!.AsArray());
        var other = (await Client.GetFromJsonAsync<JsonObject>($"/api/jobs/{plain.Id}"))!;
        Assert.False(other.ContainsKey("logs_purged"));
    }

    [Fact]
    public async Task Commands_ListsTheCatalogueWithParameterRules()
    {
        var commands = (await Client.GetFromJsonAsync<JsonArray>("/api/commands"))!;

        var names = commands.Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "setup_db", "update_db", "predict", "optimize", "pipeline" });
        var predict = commands.Single(c => c!["name"]!.GetValue<string>() == "predict")!;
        var weeks = predict["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "weeks_ahead")!;
        Assert.Equal("weeks_ahead", weeks["name"]!.GetValue<string>());
        Assert.Equal("int", weeks["type"]!.GetValue<string>());
        Assert.Equal(3, weeks["default"]!.GetValue<int>());
        Assert.Equal(1, weeks["min"]!.GetValue<int>());
        Assert.Equal(38, weeks["max"]!.GetValue<int>());
        Assert.True(predict["retry_safe"]!.GetValue<bool>());
    }
}
