using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Integration.Team;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Support;
using AirsenalOps.Tests.Unit.Airsenal;
using AirsenalOps.Tests.Unit.Reports;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Reports;

public sealed class ReportsApiTests : IDisposable
{
    private readonly ConsoleFactory _factory = new(AuthTestData.Settings());
    private readonly string _dbPath;

    public ReportsApiTests()
    {
        _dbPath = Path.Combine(_factory.DataDir, "airsenal", "data.db");
        _factory.Settings["PERSISTENT_DB_PATH"] = _dbPath;
        _factory.Settings["LOCAL_DB_PATH"] = Path.Combine(_factory.DataDir, "local.db");
    }

    public void Dispose() => _factory.Dispose();

    private readonly Dictionary<string, WebApplicationFactory<Program>> _hosts = [];

    /// <summary>
    /// One console per team id, started once: the embedded store serves one console per DATA_DIR, so the test
    /// writes through the same host its client reads.
    /// </summary>
    private WebApplicationFactory<Program> Host(string? teamId = "742663")
    {
        if (!_hosts.TryGetValue(teamId ?? string.Empty, out var host))
        {
            var secrets = teamId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["FPL_TEAM_ID"] = teamId };
            host = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ISecretReader>(new StaticSecrets(secrets))));
            _hosts[teamId ?? string.Empty] = host;
        }

        return host;
    }

    private HttpClient Client(string? teamId = "742663") => Host(teamId).CreateAdminClient();

    private IServiceProvider Services => Host().Services;

    /// <summary>Writes a job through the console's storage (the same DATA_DIR the client's host reads).</summary>
    private async Task InsertJobAsync(string command, JobStatus status, JsonObject? output, DateTimeOffset at)
    {
        var storage = Services.GetRequiredService<IStorage>();
        await storage.Jobs.InsertAsync(new JobRecord
        {
            Id = Guid.NewGuid().ToString(),
            Command = command,
            Status = status,
            Output = output,
            CreatedAt = at,
            StartedAt = at,
            CompletedAt = status == JobStatus.Completed ? at.AddMinutes(5) : null,
        }, CancellationToken.None);
    }

    [Fact]
    public async Task Latest_WithNoJobs_HasNullPredictionAndOptimisation()
    {
        var body = await Client().GetFromJsonAsync<JsonElement>(new Uri("/api/reports/latest", UriKind.Relative));

        Assert.Equal(JsonValueKind.Null, body.GetProperty("prediction").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("optimisation").ValueKind);
    }

    [Fact]
    public async Task Latest_TakesTheNewestCompletedJobsOutputs_WithJobIdAndCompletedAt()
    {
        var client = Client();
        var t0 = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        var prediction = PredictionParser.ParseToJson(Fixture.Lines("predict.txt"), t0)!;
        var optimisation = OptimisationParser.ParseToJson(Fixture.Lines("optimise-current.txt"))!;
        await InsertJobAsync("predict", JobStatus.Completed, new JsonObject { ["type"] = "prediction", ["headline"] = "old" }, t0);
        await InsertJobAsync("predict", JobStatus.Completed, prediction, t0.AddHours(1));
        await InsertJobAsync("predict", JobStatus.Failed, new JsonObject { ["type"] = "prediction", ["headline"] = "failed" }, t0.AddHours(2));
        await InsertJobAsync("optimize", JobStatus.Completed, optimisation, t0.AddHours(3));
        await InsertJobAsync("optimize", JobStatus.Completed, null, t0.AddHours(4));

        var body = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/reports/latest", UriKind.Relative));

        var p = body.GetProperty("prediction");
        Assert.Equal("prediction", p.GetProperty("type").GetString());
        Assert.Equal("Raya", p.GetProperty("players")[0].GetProperty("player").GetString());
        Assert.False(string.IsNullOrEmpty(p.GetProperty("job_id").GetString()));
        Assert.Equal(t0.AddHours(1).AddMinutes(5), p.GetProperty("completed_at").GetDateTimeOffset());
        var o = body.GetProperty("optimisation");
        Assert.Equal(158.9, o.GetProperty("best_points").GetDouble());
        Assert.Equal("M.Salah", o.GetProperty("captain").GetString());
    }

    [Fact]
    public async Task LatestOptimisation_IsTheRunTheOptimisationPageShows_NewestByCompletion_PipelinesIncluded()
    {
        var client = Client();
        var t0 = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        var optimisation = OptimisationParser.ParseToJson(Fixture.Lines("optimise-current.txt"))!;
        var pipelineOptimisation = optimisation.DeepClone().AsObject();
        pipelineOptimisation["captain"] = "From the pipeline";
        await InsertJobAsync("optimize", JobStatus.Completed, optimisation, t0);
        // Finished after the optimise job: the pipeline's optimisation is the latest one.
        await InsertJobAsync("pipeline", JobStatus.Completed, new JsonObject { ["type"] = "pipeline", ["optimisation"] = pipelineOptimisation }, t0.AddHours(1));
        // Newer, but with nothing parsed (the old API rule took the newest non-null output; an empty one is no result).
        await InsertJobAsync("optimize", JobStatus.Completed, new JsonObject(), t0.AddHours(2));
        await InsertJobAsync("optimize", JobStatus.Failed, optimisation, t0.AddHours(3));

        var body = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/reports/latest", UriKind.Relative));
        var page = await Services.GetRequiredService<JobService>().GetLatestOptimisationAsync(CancellationToken.None);

        var o = body.GetProperty("optimisation");
        Assert.Equal("From the pipeline", o.GetProperty("captain").GetString());
        Assert.Equal("optimisation", o.GetProperty("type").GetString());
        Assert.Equal(page!.Job.Id, o.GetProperty("job_id").GetString());
        Assert.Equal("pipeline", page.Job.Command);
        Assert.Equal(t0.AddHours(1).AddMinutes(5), o.GetProperty("completed_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Predictions_FromTheDatabase_FilteredAndPaged()
    {
        AirsenalDbBuilder.Sample(_dbPath);

        var body = await Client().GetFromJsonAsync<JsonElement>(new Uri("/api/reports/predictions?position=mid&sort=total_points&order=desc&page=1&page_size=10", UriKind.Relative));

        Assert.Equal("tag-new", body.GetProperty("tag").GetString());
        Assert.Equal(1, body.GetProperty("total").GetInt32());
        var salah = body.GetProperty("players")[0];
        Assert.Equal("M.Salah", salah.GetProperty("name").GetString());
        Assert.Equal(19.0, salah.GetProperty("total_points").GetDouble());
        Assert.Equal(11.0, salah.GetProperty("points_by_gameweek").GetProperty("13").GetDouble());
    }

    [Theory]
    [InlineData("/api/reports/predictions?page_size=0", "page_size")]
    [InlineData("/api/reports/predictions?sort=goals", "sort")]
    [InlineData("/api/reports/predictions?order=up", "order")]
    [InlineData("/api/reports/predictions?position=GKP", "position")]
    public async Task Predictions_BadQuery_Is422_NamingTheParameter(string url, string parameter)
    {
        AirsenalDbBuilder.Sample(_dbPath);

        var response = await Client().GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.StartsWith(parameter, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tag_TransfersAndSquad_ComeFromTheDatabase()
    {
        AirsenalDbBuilder.Sample(_dbPath);
        var client = Client();

        var tag = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/reports/predictions/tag", UriKind.Relative));
        var transfers = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/reports/transfers/latest", UriKind.Relative));
        var squad = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/reports/squad", UriKind.Relative));
        var otherSquad = await client.GetAsync(new Uri("/api/reports/squad?team_id=99", UriKind.Relative));

        Assert.Equal("tag-new", tag.GetProperty("tag").GetString());
        Assert.Equal("2026-11-27 09:00:00", transfers.GetProperty("timestamp").GetString());
        Assert.Equal("triple_captain", transfers.GetProperty("gameweeks")[0].GetProperty("chip").GetString());
        Assert.Equal(3, squad.GetProperty("players").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, otherSquad.StatusCode);
    }

    [Fact]
    public async Task RealOptimisation_TransfersAndLatest_KeepTheirShapes_AndAddTheWholePlan()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_dbPath)!);
        File.Copy(RealPlans.DatabaseFixture, _dbPath);
        var storage = Services.GetRequiredService<IStorage>();
        var job = RealPlans.JobRecord(RealOutput.Lines("run_optimization.stdout.txt"), RealPlans.SuggestionTime.AddMinutes(-3), RealPlans.SuggestionTime.AddSeconds(1));
        await storage.Jobs.InsertAsync(job, CancellationToken.None);
        var client = Client();

        var transfers = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/reports/transfers/latest", UriKind.Relative));
        var latest = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/reports/latest", UriKind.Relative));

        // The stored rows, as before.
        Assert.Equal("2026-12-07 11:59:25.671277", transfers.GetProperty("timestamp").GetString());
        Assert.Equal(742663, transfers.GetProperty("fpl_team_id").GetInt32());
        Assert.Equal("Foden", transfers.GetProperty("gameweeks")[0].GetProperty("out")[0].GetProperty("name").GetString());
        Assert.Equal(3, transfers.GetProperty("gameweeks").GetArrayLength());
        // Added: the whole plan.
        var plan = transfers.GetProperty("plan");
        Assert.Equal("printout", plan.GetProperty("source").GetString());
        Assert.Equal(job.Id, plan.GetProperty("job_id").GetString());
        Assert.True(plan.GetProperty("matches_database").GetBoolean());
        Assert.Equal(177.8, plan.GetProperty("baseline_points").GetDouble());
        Assert.Equal(199.5, plan.GetProperty("strategy_points").GetDouble());
        Assert.Equal(("Thiago", "O.Dango"), (plan.GetProperty("captain").GetString(), plan.GetProperty("vice_captain").GetString()));
        var gameweeks = plan.GetProperty("gameweeks");
        Assert.Equal([21, 22, 23], gameweeks.EnumerateArray().Select(g => g.GetProperty("gameweek").GetInt32()));
        Assert.Equal([53.7, 73.7, 88.5], gameweeks.EnumerateArray().Select(g => g.GetProperty("predicted_score").GetDouble()));
        Assert.Equal([5.4, 5.3, 5.5], gameweeks.EnumerateArray().Select(g => g.GetProperty("bank").GetDouble()));
        Assert.Equal([0, 0, 0], gameweeks.EnumerateArray().Select(g => g.GetProperty("points_hit").GetInt32()));
        Assert.Equal(JsonValueKind.Null, gameweeks[0].GetProperty("chip").ValueKind);
        var second = gameweeks[1].GetProperty("transfers")[1];
        Assert.Equal(("Woltemade", 6.7, "MCI"), (second.GetProperty("out").GetProperty("name").GetString(), second.GetProperty("out").GetProperty("price").GetDouble(), second.GetProperty("out").GetProperty("team").GetString()));
        Assert.Equal(("Calvert-Lewin", 5.8, 691), (second.GetProperty("in").GetProperty("name").GetString(), second.GetProperty("in").GetProperty("price").GetDouble(), second.GetProperty("in").GetProperty("fpl_api_id").GetInt32()));

        // The peer's optimisation document is untouched; "plan" is added beside its fields.
        var optimisation = latest.GetProperty("optimisation");
        Assert.Equal("optimisation", optimisation.GetProperty("type").GetString());
        Assert.Equal(job.Id, optimisation.GetProperty("job_id").GetString());
        Assert.Equal(177.8, optimisation.GetProperty("baseline_points").GetDouble());
        Assert.Equal(199.5, optimisation.GetProperty("best_points").GetDouble());
        Assert.Equal(53.7, optimisation.GetProperty("expected_points").GetDouble());
        Assert.Equal(("O.Dango", "Foden"), (optimisation.GetProperty("transfers")[0].GetProperty("in").GetString(), optimisation.GetProperty("transfers")[0].GetProperty("out").GetString()));
        Assert.Equal("Thiago", optimisation.GetProperty("captain").GetString());
        Assert.Equal(11, optimisation.GetProperty("starting_lineup").GetArrayLength());
        Assert.Equal("Dúbravka", optimisation.GetProperty("starting_lineup")[0].GetProperty("name").GetString());
        Assert.Equal("GK", optimisation.GetProperty("starting_lineup")[0].GetProperty("position_group").GetString());
        Assert.StartsWith("================", optimisation.GetProperty("summary_text").GetString(), StringComparison.Ordinal);
        Assert.Equal(5.6, optimisation.GetProperty("plan").GetProperty("gameweeks")[0].GetProperty("transfers")[0].GetProperty("in").GetProperty("price").GetDouble());
        Assert.Equal(3, optimisation.GetProperty("plan").GetProperty("gameweeks").GetArrayLength());
    }

    [Fact]
    public async Task MissingDatabase_Is404_AndEmptyDatabase_Is409()
    {
        var client = Client();
        var missing = await client.GetAsync(new Uri("/api/reports/predictions", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("setup_db", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!, StringComparison.Ordinal);

        using (new AirsenalDbBuilder(_dbPath))
        {
        }

        var empty = await client.GetAsync(new Uri("/api/reports/predictions/tag", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Conflict, empty.StatusCode);
        Assert.Contains("predict", (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Squad_WithoutConfiguredTeam_Is404()
    {
        AirsenalDbBuilder.Sample(_dbPath);

        var response = await Client(teamId: null).GetAsync(new Uri("/api/reports/squad", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("FPL team ID not configured", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task DatabaseApi_ListsAndRestoresBackups()
    {
        var client = Client();
        var database = Services.GetRequiredService<AirsenalOps.Core.Airsenal.Database.AirsenalDatabase>();
        AirsenalDbBuilder.Sample(_dbPath);
        await database.PrepareLocalAsync("job-1", CancellationToken.None);
        File.Delete(database.LocalPath);
        using (new AirsenalDbBuilder(database.LocalPath))
        {
        }

        await database.CompleteAsync(true, CancellationToken.None);

        var status = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/database", UriKind.Relative));
        Assert.True(status.GetProperty("exists").GetBoolean());
        var backups = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/database/backups", UriKind.Relative));
        var name = backups[0].GetProperty("name").GetString()!;
        var before = await client.GetAsync(new Uri("/api/reports/predictions/tag", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Conflict, before.StatusCode);

        var restore = await client.PostAsync(new Uri($"/api/database/backups/{name}/restore", UriKind.Relative), null);
        var unknown = await client.PostAsync(new Uri("/api/database/backups/nope.db/restore", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var after = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/reports/predictions/tag", UriKind.Relative));
        Assert.Equal("tag-new", after.GetProperty("tag").GetString());
    }
}
