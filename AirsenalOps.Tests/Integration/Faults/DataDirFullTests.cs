using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.Faults;

/// <summary>
/// The console's own DATA_DIR on a full disk (issue 13.4): health says storage fails, a new job is refused with
/// 507 and a detail, deleting logs still works and gives the space back, and a job a killed console left running
/// is recovered once the disk has room again. DATA_DIR lives on a 32 MiB tmpfs that outlives the consoles
/// (<see cref="SmallDisk.HoldAsync"/>); the test fills it with a file of its own, as another program would.
/// </summary>
public sealed class DataDirFullTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private string? _jobId;

    public void Dispose()
    {
        if (_jobId is not null)
        {
            ProcessGroup.KillLeftovers(_jobId, null);
        }

        _root.Dispose();
    }

    [SmallDiskFact]
    public async Task FullDataDir_HealthFails_NewJobIs507_DeletingLogsWorksAndGivesTheSpaceBack()
    {
        var disk = _root.File("disk");
        Directory.CreateDirectory(disk);
        await using var held = await SmallDisk.HoldAsync(disk, "32m");
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 0);
        settings["DATA_DIR"] = Path.Combine(disk, "data");
        string first, second;
        await using (var before = await ConsoleProcess.StartAsync(settings, held.Wrapper))
        {
            await before.SetSecretAsync("FPL_TEAM_ID", "742663");
            await before.SetSecretAsync("FAKE_SCENARIO", "lines");
            first = await RunToEndAsync(before);
            second = await RunToEndAsync(before);
            // A clean stop checkpoints and removes the WAL: after it even a delete needs new room on the disk.
            await before.StopAsync();
        }

        var filler = Path.Combine(disk, "filler");
        held.Fill(filler);
        await using var console = await ConsoleProcess.StartAsync(settings, held.Wrapper);

        // Health writes a probe (at most every few seconds): a read alone still answered on the full disk.
        var health = await WaitForHealthAsync(console, HttpStatusCode.ServiceUnavailable);
        Assert.False(health.GetProperty("storage").GetProperty("ok").GetBoolean());
        Assert.Contains("full", health.GetProperty("storage").GetProperty("error").GetString()!, StringComparison.OrdinalIgnoreCase);

        var refused = await console.Client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), new { command = "check_data" });
        Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
        var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("full", detail, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("logs", detail, StringComparison.OrdinalIgnoreCase);

        // The only way back the console offers: delete logs, of one job and then of all.
        var deleted = await console.Client.DeleteAsync(new Uri($"/api/jobs/{first}/logs", UriKind.Relative));
        Assert.True(deleted.IsSuccessStatusCode, $"DELETE /api/jobs/{{id}}/logs: {(int)deleted.StatusCode} {await deleted.Content.ReadAsStringAsync()}\n{console.RecentOutput()}");
        Assert.Empty(await console.ReadLogAsync(first));
        var all = await console.Client.DeleteAsync(new Uri("/api/jobs/logs", UriKind.Relative));
        Assert.True(all.IsSuccessStatusCode, $"DELETE /api/jobs/logs: {(int)all.StatusCode} {await all.Content.ReadAsStringAsync()}\n{console.RecentOutput()}");
        Assert.Equal(1, (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cleared").GetInt32());
        Assert.Empty(await console.ReadLogAsync(second));

        // The deleted logs were given back to the disk (the filler is still there): the console works again.
        await WaitForHealthAsync(console, HttpStatusCode.OK);
        await console.SetSecretAsync("FAKE_SCENARIO", "none");
        var after = await console.CreateJobAsync("check_data");
        Assert.Equal("completed", (await console.WaitForJobAsync(after, ConsoleProcess.IsFinished)).GetProperty("status").GetString());
    }

    [SmallDiskFact]
    public async Task KilledMidJob_RestartedOnAFullDisk_TheJobIsRecoveredOnceThereIsRoom()
    {
        var disk = _root.File("disk");
        Directory.CreateDirectory(disk);
        await using var held = await SmallDisk.HoldAsync(disk, "32m");
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 1);
        settings["DATA_DIR"] = Path.Combine(disk, "data");
        string jobId;
        await using (var first = await ConsoleProcess.StartAsync(settings, held.Wrapper))
        {
            await first.SetSecretAsync("FPL_TEAM_ID", "742663");
            await first.SetSecretAsync("FAKE_SCENARIO", "tree");
            jobId = _jobId = await first.CreateJobAsync("update_db");
            await ConsoleKillTests.WaitUntilAsync(async () => (await first.ReadLogAsync(jobId)).Count(l => l.Text.StartsWith("tick ", StringComparison.Ordinal)) >= 10);
            await first.KillAsync();
        }

        var filler = Path.Combine(disk, "filler");
        held.Fill(filler);
        await using var second = await ConsoleProcess.StartAsync(settings, held.Wrapper);
        await WaitForHealthAsync(second, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("running", (await second.GetJobAsync(jobId)).GetProperty("status").GetString());

        held.Release(filler);
        var job = await second.WaitForJobAsync(jobId, ConsoleProcess.IsFinished);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal("interrupted", job.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        Assert.Contains(await second.ReadLogAsync(jobId), l => l.Text.Contains("Recovered at start", StringComparison.Ordinal));
    }

    private static async Task<string> RunToEndAsync(ConsoleProcess console)
    {
        var id = await console.CreateJobAsync("update_db");
        var job = await console.WaitForJobAsync(id, ConsoleProcess.IsFinished);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        return id;
    }

    /// <summary>Polls /api/health until it answers <paramref name="status"/> (generous: the write probe is rate-limited).</summary>
    private static async Task<JsonElement> WaitForHealthAsync(ConsoleProcess console, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await console.Client.GetAsync(new Uri("/api/health", UriKind.Relative));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.StatusCode == status)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"health did not answer {(int)status} within 60 s; last: {(int)response.StatusCode} {body}\n{console.RecentOutput()}");
            await Task.Delay(200);
        }
    }
}
