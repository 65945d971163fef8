using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Integration.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Schedules;

/// <summary>/api/schedules on the whole console, with the real engine running the fake AIrsenal scripts.</summary>
public sealed class SchedulesApiTests : IAsyncLifetime, IDisposable
{
    private readonly JobsFactory _factory;
    private HttpClient _client = null!;

    public SchedulesApiTests()
    {
        _factory = new JobsFactory(AuthTestData.Settings(), services =>
            services.AddSingleton<IDeadlineSource>(new FixedDeadlines([DateTimeOffset.UtcNow.AddDays(2), DateTimeOffset.UtcNow.AddDays(9)])));
    }

    public async Task InitializeAsync() => _client = await AdminClientAsync(_factory);

    /// <summary>A client that logged in as the admin (every /api/schedules route requires it).</summary>
    private static async Task<HttpClient> AdminClientAsync(JobsFactory factory)
    {
        using var anonymous = factory.CreateClient();
        return factory.Authorized(await AuthTestData.LoginAsync(anonymous));
    }

    [Fact]
    public async Task WithoutLogin_Answers401()
    {
        using var anonymous = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/schedules")).StatusCode);
    }

    [Fact]
    public async Task Crud_CreateGetListUpdateDelete()
    {
        var created = await _client.PostAsJsonAsync("/api/schedules", new { name = "Monday update", command = "update_db", cron = "0 6 * * 1", time_zone = "Europe/London" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonObject>();
        var id = body!["id"]!.GetValue<string>();
        Assert.Equal("command", body["target"]!.GetValue<string>());
        Assert.Equal(5, body["next_runs"]!.AsArray().Count);
        Assert.Equal($"/api/schedules/{id}", created.Headers.Location!.OriginalString);

        var got = await _client.GetFromJsonAsync<JsonObject>($"/api/schedules/{id}");
        Assert.Equal("Monday update", got!["name"]!.GetValue<string>());
        var list = await _client.GetFromJsonAsync<JsonArray>("/api/schedules");
        Assert.Single(list!);

        var updated = await _client.PutAsJsonAsync($"/api/schedules/{id}", new { name = "Before deadline", target = "weekly_chain", deadline_offset_minutes = -360 });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var changed = await updated.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("weekly_chain", changed!["target"]!.GetValue<string>());
        Assert.Equal(2, changed["next_runs"]!.AsArray().Count);
        Assert.Equal(3, changed["parameters"]!.AsObject().Count);

        var next = await _client.GetFromJsonAsync<JsonArray>($"/api/schedules/{id}/next?count=1");
        Assert.Single(next!);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/schedules/{id}")).StatusCode);
        var gone = await _client.GetAsync($"/api/schedules/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("Schedule not found", (await gone.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"/api/schedules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync($"/api/schedules/{id}/run", null)).StatusCode);
    }

    [Theory]
    [InlineData("""{"command": "update_db", "cron": "every monday"}""", "Invalid cron expression")]
    [InlineData("""{"command": "launch_rocket", "cron": "0 6 * * 1"}""", "Unknown command 'launch_rocket'")]
    [InlineData("""{"command": "predict", "parameters": {"weeks_ahead": "many"}, "cron": "0 6 * * 1"}""", "weeks_ahead")]
    [InlineData("""{"command": "predict", "deadline_offset_minutes": -60, "cron": "0 6 * * 1"}""", "not both")]
    public async Task BadInput_Answers422WithDetail(string json, string expected)
    {
        var response = await _client.PostAsync("/api/schedules", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(expected, (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunNow_Chain_RunsEveryStepInOrder_WithTheRealEngine()
    {
        var id = await CreateChainAsync();

        var run = await _client.PostAsync($"/api/schedules/{id}/run", null);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);

        var done = await WaitForRunAsync(id);
        Assert.Equal("completed", done.History[0].Outcome);
        var commands = new List<string>();
        foreach (var jobId in done.History[0].JobIds)
        {
            var job = (await _factory.Jobs.GetAsync(jobId, CancellationToken.None))!;
            Assert.Equal(JobStatus.Completed, job.Status);
            commands.Add(job.Command);
        }

        Assert.Equal(["update_db", "predict", "optimize"], commands);
    }

    [Fact]
    public async Task RunNow_Chain_StopsAtAFailedStep_WithTheRealEngine()
    {
        // "predict" runs the fake script's failing mode here, so the chain has a step to stop at.
        using var factory = new JobsFactory(AuthTestData.Settings(), services =>
        {
            services.AddSingleton<IDeadlineSource>(new FixedDeadlines([]));
            services.AddJobCommand(TestCommands.Fail with { Name = "predict" });
        });
        using var client = await AdminClientAsync(factory);
        var created = await client.PostAsJsonAsync("/api/schedules", new { target = "weekly_chain", cron = "0 0 1 1 *" });
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/schedules/{id}/run", null)).StatusCode);
        var done = await WaitForRunAsync(factory, id);

        Assert.Equal("failed", done.History[0].Outcome);
        Assert.Equal("Stopped at step predict: the job failed.", done.History[0].Detail);
        Assert.Equal(2, done.History[0].JobIds.Count);
        Assert.Equal(JobStatus.Completed, (await factory.Jobs.GetAsync(done.History[0].JobIds[0], CancellationToken.None))!.Status);
        Assert.Equal(JobStatus.Failed, (await factory.Jobs.GetAsync(done.History[0].JobIds[1], CancellationToken.None))!.Status);
        Assert.Equal(0, await factory.Jobs.CountAsync(new JobFilter(Command: "optimize"), CancellationToken.None));
    }

    [Fact]
    public async Task RunNow_WhileRunning_Answers409()
    {
        var created = await _client.PostAsJsonAsync("/api/schedules", new { command = "hang", cron = "0 0 1 1 *" });
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/api/schedules/{id}/run", null)).StatusCode);

        var again = await _client.PostAsync($"/api/schedules/{id}/run", null);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("still running", (await again.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var schedule = await _factory.Services.GetRequiredService<ScheduleService>().GetAsync(id, CancellationToken.None);
        await _factory.Jobs.CancelAsync(schedule!.Active!.JobIds[0], CancellationToken.None);
        var cancelled = await WaitForRunAsync(id);
        Assert.Equal("cancelled", cancelled.History[0].Outcome);
    }

    private async Task<string> CreateChainAsync()
    {
        var created = await _client.PostAsJsonAsync("/api/schedules", new { target = "weekly_chain", cron = "0 0 1 1 *", parameters = new { predict = new { weeks_ahead = 2 } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    /// <summary>Polls the store until the schedule's run has ended (the machine may be loaded: 60 s).</summary>
    private Task<ScheduleRecord> WaitForRunAsync(string id) => WaitForRunAsync(_factory, id);

    private static async Task<ScheduleRecord> WaitForRunAsync(JobsFactory factory, string id)
    {
        var service = factory.Services.GetRequiredService<ScheduleService>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        ScheduleRecord? schedule = null;
        while (DateTime.UtcNow < deadline)
        {
            schedule = await service.GetAsync(id, CancellationToken.None);
            if (schedule is { Active: null, History.Count: > 0 })
            {
                return schedule;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The run did not end: {JsonSerializer.Serialize(schedule?.Active)}");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _client?.Dispose();
        _factory.Dispose();
    }

    private sealed class FixedDeadlines(IReadOnlyList<DateTimeOffset> deadlines) : IDeadlineSource
    {
        public Task<IReadOnlyList<DateTimeOffset>> GetDeadlinesAsync(CancellationToken cancellationToken) => Task.FromResult(deadlines);
    }
}
