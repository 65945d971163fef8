using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Bench;

/// <summary>
/// Requests per second on loopback for /api/health and an authenticated GET /api/jobs (50 jobs stored), each as a
/// ratio to a bare Kestrel endpoint measured in the same run. The console is the built one, as a child process
/// with its shipped defaults (Production, LOG_LEVEL=INFO, JSON logs on stdout) except the rate limiter, which is
/// off: at its default 60 requests a minute it would be all the load client measured.
/// </summary>
internal static class ApiThroughputBench
{
    private const string Part = "API throughput";
    private const string Email = "bench@example.com";
    private const string Password = "bench-password-1";
    private const int StoredJobs = 50;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(int connections, int seconds, int rounds, bool breakdown, IReadOnlyDictionary<string, string> settings, string dataRoot)
    {
        var dataDir = Directory.CreateDirectory(Path.Combine(dataRoot, "api")).FullName;
        await SeedJobsAsync(dataDir);

        var (bare, bareUrl) = await BareServer.StartAsync();
        using var bareProcess = bare;
        using var console = ConsoleProcess.Start(dataDir, new Dictionary<string, string>(settings)
        {
            ["APP_ADMIN_EMAIL"] = Email,
            ["APP_ADMIN_PASSWORD_HASH"] = new PasswordHasher(10).Hash(Password),
            ["RATE_LIMIT_ENABLED"] = "false",
        });
        try
        {
            if (await console.WaitHealthyAsync(TimeSpan.FromSeconds(60)) is null)
            {
                return [ResultRow.Info(Part, "skipped", $"the console did not start (see {dataDir}/console.log)")];
            }

            var token = await LoginAsync(console.Address);
            var healthUrl = new Uri(console.Address, "/api/health");
            var jobsUrl = new Uri(console.Address, "/api/jobs");
            var listed = await CountListedJobsAsync(jobsUrl, token);

            var duration = TimeSpan.FromSeconds(seconds);
            var measured = new List<Round>();
            for (var round = 0; round < rounds; round++)
            {
                // Back to back, so a burst of load from the rest of the machine hits the three alike; each round
                // gives its own ratios and the median round's count (a best-of per endpoint would compare the bare
                // endpoint's luckiest moment with the console's).
                measured.Add(new Round(
                    await MeasureAsync(bareUrl, null, connections, duration, bare.Id),
                    await MeasureAsync(healthUrl, null, connections, duration, console.ProcessId),
                    await MeasureAsync(jobsUrl, token, connections, duration, console.ProcessId)));
            }

            var healthRatios = measured.Select(r => r.Health.RequestsPerSecond / r.Bare.RequestsPerSecond).Order().ToList();
            var jobsRatios = measured.Select(r => r.Jobs.RequestsPerSecond / r.Bare.RequestsPerSecond).Order().ToList();
            var (healthRatio, jobsRatio) = (healthRatios[rounds / 2], jobsRatios[rounds / 2]);
            var typical = Median(measured, r => r.Bare);
            var failed = measured.Sum(r => r.Bare.Failed + r.Health.Failed + r.Jobs.Failed);
            var setup = $"{connections} connections, {seconds} s, median of {rounds} rounds";
            var rows = new List<ResultRow>
            {
                ResultRow.Info(Part, $"bare Kestrel, tiny JSON ({setup})", Rate(typical)),
                ResultRow.Info(Part, "GET /api/health", Rate(Median(measured, r => r.Health))),
                ResultRow.Judged(Part, "/api/health ÷ bare", Ratios(healthRatios), "≥ 0.7", healthRatio >= 0.7),
                ResultRow.Info(Part, $"GET /api/jobs, bearer token, {listed} jobs", Rate(Median(measured, r => r.Jobs))),
                ResultRow.Judged(Part, "/api/jobs ÷ bare", Ratios(jobsRatios), "≥ 0.4", jobsRatio >= 0.4),
                ResultRow.Judged(Part, "failed requests", $"{failed}", "0", failed == 0),
            };
            if (breakdown)
            {
                // Where /api/jobs spends its time: the bearer check alone, one job, fifty jobs.
                foreach (var (name, url, bearer) in new (string, Uri, string?)[]
                {
                    ("GET /api/auth/check (bearer only)", new Uri(console.Address, "/api/auth/check"), token),
                    ("GET /api/jobs?limit=1", new Uri(console.Address, "/api/jobs?limit=1"), token),
                })
                {
                    var result = await MeasureAsync(url, bearer, connections, duration, console.ProcessId);
                    rows.Add(ResultRow.Info(Part, $"{name} (breakdown)", $"{Rate(result)}, {Ratio(result.RequestsPerSecond / typical.RequestsPerSecond)} of bare"));
                }
            }

            return rows;
        }
        finally
        {
            bare.StandardInput.Close();
            if (!bare.WaitForExit(5_000))
            {
                bare.Kill();
            }
        }
    }

    private static async Task<LoadResult> MeasureAsync(Uri url, string? token, int connections, TimeSpan duration, int serverPid)
    {
        await LoadClient.RunAsync(url, token, connections, WarmUp, serverPid);
        return await LoadClient.RunAsync(url, token, connections, duration, serverPid);
    }

    private sealed record Round(LoadResult Bare, LoadResult Health, LoadResult Jobs);

    /// <summary>Finished jobs with a small output each, written before the console starts.</summary>
    private static async Task SeedJobsAsync(string dataDir)
    {
        var storage = new SqliteStorage(Path.Combine(dataDir, StorageServiceCollectionExtensions.EmbeddedDatabaseFile));
        await storage.InitializeAsync(CancellationToken.None);
        var start = DateTimeOffset.UtcNow.AddDays(-StoredJobs);
        string[] commands = ["update_db", "run_prediction", "run_optimization", "run_pipeline"];
        for (var i = 0; i < StoredJobs; i++)
        {
            var started = start.AddDays(i);
            var ended = started.AddMinutes(3);
            await storage.Jobs.InsertAsync(
                new JobRecord
                {
                    Id = Guid.NewGuid().ToString(),
                    Command = commands[i % commands.Length],
                    Parameters = new JsonObject { ["weeks_ahead"] = 3, ["season"] = "2526" },
                    Status = JobStatus.Completed,
                    Output = new JsonObject
                    {
                        ["gameweek"] = (i % 38) + 1,
                        ["summary"] = "Predicted points for 3 gameweeks",
                        ["top"] = new JsonArray([.. Enumerable.Range(1, 5).Select(p => (JsonNode)new JsonObject { ["player"] = $"Player {p}", ["points"] = 10.5 - p })]),
                    },
                    CreatedAt = started,
                    StartedAt = started,
                    CompletedAt = ended,
                    CommandLine = $"airsenal_{commands[i % commands.Length]} --weeks_ahead 3",
                    ExitCode = 0,
                    Progress = 100,
                    Attempts = [new JobAttempt(1, started, ended, 0, "completed", null)],
                },
                CancellationToken.None);
        }

        // The console opens the file next; no pooled connection of ours may hold it.
        SqliteConnection.ClearAllPools();
    }

    private static async Task<string> LoginAsync(Uri address)
    {
        using var client = new HttpClient { BaseAddress = address };
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = Email, password = Password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return body!["token"]!.GetValue<string>();
    }

    private static async Task<int> CountListedJobsAsync(Uri jobsUrl, string token)
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var body = await client.GetFromJsonAsync<JsonNode>(jobsUrl);
        // The peer's shape is a bare array; accept an envelope with "jobs" too.
        return (body as JsonArray ?? body?["jobs"] as JsonArray)?.Count ?? 0;
    }

    private static string Rate(LoadResult result) =>
        string.Create(CultureInfo.InvariantCulture, $"{result.RequestsPerSecond:N0} req/s ({result.BytesPerResponse:N0} B, server CPU {result.ServerCpuMicroseconds:N0} µs each)");

    private static string Ratio(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}");

    /// <summary>The median ratio, with the range of all rounds when there are several.</summary>
    private static string Ratios(List<double> sorted) =>
        sorted.Count == 1 ? Ratio(sorted[0]) : $"{Ratio(sorted[sorted.Count / 2])} ({Ratio(sorted[0])}–{Ratio(sorted[^1])})";

    private static LoadResult Median(List<Round> rounds, Func<Round, LoadResult> endpoint) =>
        rounds.Select(endpoint).OrderBy(result => result.RequestsPerSecond).ElementAt(rounds.Count / 2);
}
