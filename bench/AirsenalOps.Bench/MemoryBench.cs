using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Auth;

namespace AirsenalOps.Bench;

/// <summary>
/// The built console as a child process (shipped defaults, its own GC settings) running a series of jobs that
/// each print many lines: its resident set once idle, at the peak, and a while after the last job. A console
/// that keeps something per job (lines, buffers, a list) grows from one job to the next; one that does not comes
/// back to about where it started. The job is AIrsenal's <c>update_db</c> command, pointed by AIRSENAL_BIN_DIR at
/// a wrapper around the tests' fake script (the same 60-byte lines as the pipeline part).
/// </summary>
internal static class MemoryBench
{
    private const string Part = "memory across jobs";
    private const string Email = "bench@example.com";
    private const string Password = "bench-password-1";
    private const long AllowedGrowth = 20L * 1048576;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(int jobs, int lines, TimeSpan settle, IReadOnlyDictionary<string, string> settings, string dataRoot)
    {
        var dataDir = Directory.CreateDirectory(Path.Combine(dataRoot, "memory")).FullName;
        var binDir = Directory.CreateDirectory(Path.Combine(dataRoot, "memory-bin")).FullName;
        var wrapper = Path.Combine(binDir, "airsenal_update_db");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec '{Path.Combine(InProcessConsole.Scripts, "fake_job")}' {string.Join(' ', PipelineBench.ScriptArguments)} --count {lines}\n");
        if (OperatingSystem.IsWindows())
        {
            return [ResultRow.Info(Part, "skipped", "the fake AIrsenal script needs a Unix shell")];
        }

        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var console = ConsoleProcess.Start(dataDir, new Dictionary<string, string>(settings)
        {
            ["APP_ADMIN_EMAIL"] = Email,
            ["APP_ADMIN_PASSWORD_HASH"] = new PasswordHasher(10).Hash(Password),
            ["RATE_LIMIT_ENABLED"] = "false",
            ["AIRSENAL_BIN_DIR"] = binDir,
            ["MAX_JOB_RETRIES"] = "0",
            ["PERSISTENT_DB_PATH"] = Path.Combine(dataDir, "airsenal", "data.db"),
            ["LOCAL_DB_PATH"] = Path.Combine(dataDir, "airsenal-local.db"),
        });
        if (await console.WaitHealthyAsync(TimeSpan.FromSeconds(60)) is null)
        {
            return [ResultRow.Info(Part, "skipped", $"the console did not start (see {dataDir}/console.log)")];
        }

        using var client = new HttpClient { BaseAddress = console.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await LoginAsync(client));
        // update_db needs a team id; the fake script ignores it.
        using (var secret = await client.PostAsJsonAsync("/api/secrets", new { key = "FPL_TEAM_ID", value = "1" }))
        {
            secret.EnsureSuccessStatusCode();
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var idle = console.Rss();
        var peak = idle;
        var completed = 0;
        string? failure = null;
        for (var i = 0; i < jobs; i++)
        {
            using var created = await client.PostAsJsonAsync("/api/jobs", new { command = "update_db" });
            created.EnsureSuccessStatusCode();
            var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
            var deadline = DateTime.UtcNow + JobTimeout;
            while (DateTime.UtcNow < deadline)
            {
                peak = Math.Max(peak, console.Rss());
                var job = (await client.GetFromJsonAsync<JsonObject>($"/api/jobs/{id}"))!;
                var status = job["status"]!.GetValue<string>();
                if (status is "completed" or "failed" or "cancelled")
                {
                    completed += status == "completed" ? 1 : 0;
                    failure ??= status == "completed" ? null : $"{status}: {job["error"]}";
                    break;
                }

                await Task.Delay(50);
            }
        }

        await Task.Delay(settle);
        var after = console.Rss();
        var growth = after - idle;
        return
        [
            ResultRow.Info(Part, "idle RSS 3 s after the first healthy answer", Machine.Megabytes(idle)),
            ResultRow.Info(Part, $"peak RSS during {jobs} jobs of {lines:N0} lines", Machine.Megabytes(peak)),
            ResultRow.Judged(Part, $"RSS {settle.TotalSeconds:0} s after the last job, minus idle", string.Create(CultureInfo.InvariantCulture, $"{growth / 1048576.0:+0.0;-0.0} MB ({Machine.Megabytes(after)})"), "≤ +20 MB", growth <= AllowedGrowth),
            ResultRow.Judged(Part, "jobs completed", $"{completed} / {jobs}{(failure is null ? string.Empty : $" (first failure {failure})")}", "all", completed == jobs),
        ];
    }

    private static async Task<string> LoginAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = Email, password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }
}
