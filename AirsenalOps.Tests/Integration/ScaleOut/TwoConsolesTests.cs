using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Integration.Faults;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.ScaleOut;

/// <summary>
/// Two consoles as real processes on one MongoDB (the wire test server), as a rolling deploy or a second instance
/// runs them: they share the database, DATA_DIR (a shared volume: Data Protection keys) and AIrsenal's durable
/// database; each has its own working copy. Leases of 6 s renewed every second keep the waits short.
/// </summary>
[Collection(MongoServerGroup.Name)]
public sealed class TwoConsolesTests(MongoTestServer server) : IDisposable
{
    private const int LeaseSeconds = 6;

    private readonly TempDirectory _root = new();
    private readonly List<string> _jobs = [];

    private string Release => Path.Combine(_root.Path, "release");

    public void Dispose()
    {
        // Should a test fail halfway, no job process may outlive it.
        foreach (var id in _jobs)
        {
            ProcessGroup.KillLeftovers(id, null);
        }

        _root.Dispose();
    }

    [Fact]
    public async Task SecondConsoleStartsWhileTheFirstRunsAJob_NoSecondRun_TheJobCompletesOnTheFirst()
    {
        var database = server.NewDatabaseName(nameof(SecondConsoleStartsWhileTheFirstRunsAJob_NoSecondRun_TheJobCompletesOnTheFirst));
        await using var a = await StartAsync(database, "a");
        var id = await StartHoldingJobAsync(a);
        var claimed = await a.GetJobAsync(id);
        AssertOwnedBy(a, claimed);

        await using var b = await StartAsync(database, "b");
        // B has passed its start-up recovery once it has run a job of its own; A is busy (one job at a time), so only B takes this one.
        var probe = await b.CreateJobAsync("check_data");
        Assert.Equal("completed", (await b.WaitForJobAsync(probe, ConsoleProcess.IsFinished)).GetProperty("status").GetString());
        // Several leases later (A renewing, B looking for abandoned jobs every second) the job is still A's first attempt.
        var firstLease = claimed.GetProperty("lease_expires_at").GetDateTimeOffset();
        var renewed = await b.WaitForJobAsync(id, j => j.TryGetProperty("lease_expires_at", out var lease) && lease.GetDateTimeOffset() > firstLease.AddSeconds(2 * LeaseSeconds));
        Assert.Equal("running", renewed.GetProperty("status").GetString());
        AssertOwnedBy(a, renewed);
        Assert.Equal(0, renewed.GetProperty("attempts").GetArrayLength());

        await File.WriteAllTextAsync(Release, "go");

        var done = await b.WaitForJobAsync(id, ConsoleProcess.IsFinished);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(0, done.GetProperty("retry_count").GetInt32());
        Assert.Equal("completed", Assert.Single(done.GetProperty("attempts").EnumerateArray()).GetProperty("outcome").GetString());
        var log = await b.ReadLogAsync(id);
        Assert.Single(log, l => l.Text.StartsWith("Attempt ", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Text.Contains("Recovered", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Text.StartsWith("released after", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FirstConsoleKilledMidJob_TheSecondRecoversItOnlyAfterTheLease_AndRunsItToTheEnd()
    {
        var database = server.NewDatabaseName(nameof(FirstConsoleKilledMidJob_TheSecondRecoversItOnlyAfterTheLease_AndRunsItToTheEnd));
        await using var a = await StartAsync(database, "a");
        await using var b = await StartAsync(database, "b");
        var id = await StartHoldingJobAsync(a);
        AssertOwnedBy(a, await a.GetJobAsync(id));

        await a.KillAsync();
        // A renews no more: the lease it last wrote is the one B must wait for.
        var lastLease = (await b.GetJobAsync(id)).GetProperty("lease_expires_at").GetDateTimeOffset();

        var recovered = await b.WaitForJobAsync(id, j => j.GetProperty("attempts").GetArrayLength() >= 1);
        var interrupted = recovered.GetProperty("attempts")[0];
        Assert.Equal("interrupted", interrupted.GetProperty("outcome").GetString());
        var recoveredAt = interrupted.GetProperty("ended_at").GetDateTimeOffset();
        Assert.True(recoveredAt >= lastLease, $"recovered at {recoveredAt:O}, before the lease ran out at {lastLease:O}");

        // B runs the retry to its end.
        var rerun = await b.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "running" && j.TryGetProperty("owner", out _));
        AssertOwnedBy(b, rerun);
        await File.WriteAllTextAsync(Release, "go");
        var done = await b.WaitForJobAsync(id, ConsoleProcess.IsFinished);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(1, done.GetProperty("retry_count").GetInt32());
        Assert.Contains(await b.ReadLogAsync(id), l => l.Text.Contains("Recovered after its owner's lease ran out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancelOnTheSecondConsole_OfAJobRunningOnTheFirst_StopsTheWholeTree()
    {
        var database = server.NewDatabaseName(nameof(CancelOnTheSecondConsole_OfAJobRunningOnTheFirst_StopsTheWholeTree));
        await using var a = await StartAsync(database, "a");
        await using var b = await StartAsync(database, "b");
        await a.SetSecretAsync("FPL_TEAM_ID", "742663");
        await a.SetSecretAsync("FAKE_SCENARIO", "tree");
        var id = await a.CreateJobAsync("update_db");
        _jobs.Add(id);
        // The tree's workers ignore SIGINT: only the whole ladder (INT, TERM, KILL) ends them.
        await ConsoleKillTests.WaitUntilAsync(async () => (await a.ReadLogAsync(id)).Any(l => l.Text.StartsWith("worker generation 2", StringComparison.Ordinal)));
        var tree = ProcessGroup.FindByMarker(id);
        Assert.True(tree.Count >= 3, $"expected the leader, a worker and a grand-worker; found {tree.Count}");

        var response = await b.Client.PostAsync(new Uri($"/api/jobs/{id}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(answer.GetProperty("success").GetBoolean());
        Assert.Equal("cancelling", answer.GetProperty("status").GetString());
        var done = await b.WaitForJobAsync(id, ConsoleProcess.IsFinished);
        Assert.Equal("cancelled", done.GetProperty("status").GetString());
        await ConsoleKillTests.WaitUntilAsync(() => Task.FromResult(tree.All(pid => !ConsoleKillTests.IsRunning(pid)) && ProcessGroup.FindByMarker(id).Count == 0));
        Assert.False(a.HasExited);
    }

    [Fact]
    public async Task WebSocketOnTheSecondConsole_FollowsAJobRunningOnTheFirst_EveryLineOnceInOrder()
    {
        var database = server.NewDatabaseName(nameof(WebSocketOnTheSecondConsole_FollowsAJobRunningOnTheFirst_EveryLineOnceInOrder));
        await using var a = await StartAsync(database, "a");
        await using var b = await StartAsync(database, "b");
        var id = await StartHoldingJobAsync(a);

        using var socket = new ClientWebSocket();
        var token = AuthTestData.PeerToken(AuthTestData.JwtSecret, AuthTestData.AdminEmail, DateTimeOffset.UtcNow.AddDays(1));
        await socket.ConnectAsync(new Uri($"ws://{b.Address.Authority}/ws/jobs/{id}?token={token}"), CancellationToken.None);
        var seqs = new List<long>();
        var texts = new List<string>();
        var statuses = new List<string>();
        using var stop = new CancellationTokenSource();
        var receiving = ReceiveAsync(socket, seqs, texts, statuses, stop.Token);

        // Lines printed while B watches arrive from storage: wait for some, then let the job end.
        await ConsoleKillTests.WaitUntilAsync(() => Task.FromResult(Snapshot(texts).Any(t => t.StartsWith("hold 40", StringComparison.Ordinal))));
        await File.WriteAllTextAsync(Release, "go");
        await a.WaitForJobAsync(id, ConsoleProcess.IsFinished);
        var stored = await a.ReadLogAsync(id);
        await ConsoleKillTests.WaitUntilAsync(() => Task.FromResult(Snapshot(statuses).Contains("completed") && Snapshot(seqs).Count >= stored.Count));
        await stop.CancelAsync();
        await receiving;

        Assert.Equal(stored.Select(l => l.Seq), Snapshot(seqs));
        Assert.Equal(stored.Select(l => l.Text), Snapshot(texts));
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), Snapshot(seqs));
        Assert.Contains(Snapshot(texts), t => t.StartsWith("released after", StringComparison.Ordinal));
    }

    private static List<T> Snapshot<T>(List<T> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }

    private static async Task ReceiveAsync(ClientWebSocket socket, List<long> seqs, List<string> texts, List<string> statuses, CancellationToken stop)
    {
        var buffer = new byte[1 << 16];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, stop);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var json = JsonDocument.Parse(Encoding.UTF8.GetString(message.ToArray())).RootElement;
                switch (json.GetProperty("type").GetString())
                {
                    case "log":
                        lock (seqs)
                        {
                            seqs.Add(json.GetProperty("seq").GetInt64());
                        }

                        lock (texts)
                        {
                            texts.Add(json.GetProperty("message").GetString()!);
                        }

                        break;
                    case "status":
                        lock (statuses)
                        {
                            statuses.Add(json.GetProperty("status").GetString()!);
                        }

                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The test has what it needs.
        }
    }

    private static void AssertOwnedBy(ConsoleProcess console, JsonElement job)
    {
        var owner = job.GetProperty("owner").GetString()!;
        Assert.StartsWith($"{Environment.MachineName}:{console.ProcessId}:", owner, StringComparison.Ordinal);
        Assert.Equal(Environment.MachineName, job.GetProperty("owner_host").GetString());
    }

    /// <summary>An update_db that prints until the test writes <see cref="Release"/>; returns once it prints.</summary>
    private async Task<string> StartHoldingJobAsync(ConsoleProcess console)
    {
        await console.SetSecretAsync("FPL_TEAM_ID", "742663");
        await console.SetSecretAsync("FAKE_SCENARIO", "hold");
        await console.SetSecretAsync("FAKE_RELEASE", Release);
        var id = await console.CreateJobAsync("update_db");
        _jobs.Add(id);
        await ConsoleKillTests.WaitUntilAsync(async () => (await console.ReadLogAsync(id)).Any(l => l.Text == "hold 5"));
        return id;
    }

    private Task<ConsoleProcess> StartAsync(string database, string name)
    {
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 1);
        settings["MONGO_URL"] = server.ConnectionString;
        settings["DB_NAME"] = database;
        settings["LOCAL_DB_PATH"] = Path.Combine(_root.Path, $"airsenal-local-{name}.db");
        settings["JOB_LEASE_SECONDS"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["JOB_HEARTBEAT_SECONDS"] = "1";
        return ConsoleProcess.StartAsync(settings);
    }
}
