using System.Diagnostics;
using System.Net.WebSockets;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Support;
using Xunit.Abstractions;

namespace AirsenalOps.Tests.Integration.Faults;

/// <summary>
/// Issue 13.12: the console stopped with SIGTERM (as <c>docker stop</c> does) in the middle of a job that a client
/// follows live. Docker sends SIGKILL 10 s after SIGTERM, so everything the stop has to do, it has to do within that:
/// stop the job's whole process tree (workers that ignore SIGINT included), record the interrupted attempt, and exit.
/// </summary>
public sealed class ConsoleStopTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>What <c>docker stop</c> waits before it kills.</summary>
    private static readonly TimeSpan DockerGrace = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _root = new();
    private string? _jobId;

    public void Dispose()
    {
        // Should the console leave the tree behind, the test must not.
        if (_jobId is not null)
        {
            ProcessGroup.KillLeftovers(_jobId, null);
        }

        _root.Dispose();
    }

    [Fact]
    public async Task SigTerm_MidJobWithALiveViewer_ExitsWithinDockersGrace_TreeGone_JobRecordedAsInterrupted()
    {
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 1);
        // The grace a cancel gives a job in production, not the tests' short one: the stop must not wait for it.
        settings.Remove("JOB_CANCEL_GRACE_SECONDS");
        string jobId;
        List<int> tree;
        TimeSpan stopped;
        await using (var first = await ConsoleProcess.StartAsync(settings))
        {
            await first.SetSecretAsync("FPL_TEAM_ID", "742663");
            await first.SetSecretAsync("FAKE_SCENARIO", "tree");
            jobId = _jobId = await first.CreateJobAsync("update_db");
            await ConsoleKillTests.WaitUntilAsync(async () => (await first.ReadLogAsync(jobId)) is var lines
                && lines.Any(l => l.Text.StartsWith("worker generation 2", StringComparison.Ordinal))
                && lines.Count(l => l.Text.StartsWith("tick ", StringComparison.Ordinal)) >= 20);
            tree = [.. ProcessGroup.FindByMarker(jobId)];
            Assert.True(tree.Count >= 3, $"expected the leader, a worker and a grand-worker; found {tree.Count}");

            // The job page's live log is open, as it is when someone watches the job: an open socket must not hold the stop.
            using var viewer = new ClientWebSocket();
            var token = AuthTestData.PeerToken(AuthTestData.JwtSecret, AuthTestData.AdminEmail, DateTimeOffset.UtcNow.AddDays(1));
            using var connectLimit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await viewer.ConnectAsync(new Uri($"ws://{first.Address.Authority}/ws/jobs/{jobId}?token={token}"), connectLimit.Token);
            var received = await viewer.ReceiveAsync(new byte[1 << 16], connectLimit.Token);
            Assert.Equal(WebSocketMessageType.Text, received.MessageType);
            var watching = ReadUntilClosedAsync(viewer);

            var clock = Stopwatch.StartNew();
            await first.StopAsync();
            stopped = clock.Elapsed;
            output.WriteLine($"SIGTERM to exit: {stopped.TotalSeconds:0.00} s");
            Assert.True(first.HasExited);
            Assert.True(stopped < DockerGrace, $"the console took {stopped.TotalSeconds:0.0} s to exit after SIGTERM; Docker kills it after {DockerGrace.TotalSeconds:0} s.\n{first.RecentOutput()}");

            // Nothing of the tree outlives the console: not the leader, not the workers that ignore SIGINT.
            Assert.All(tree, pid => Assert.False(ConsoleKillTests.IsRunning(pid), $"process {pid} of the job's tree outlived the console"));
            Assert.Empty(ProcessGroup.FindByMarker(jobId));
            // The viewer was told the console is going away (1001), rather than being dropped once the host gave up on it.
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await watching.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        // The stopping console recorded the attempt itself (no recovery was needed), so the restarted one retries it at once.
        await using var second = await ConsoleProcess.StartAsync(settings);
        var job = await second.WaitForJobAsync(jobId, ConsoleProcess.IsFinished);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        var interrupted = job.GetProperty("attempts")[0];
        Assert.Equal("interrupted", interrupted.GetProperty("outcome").GetString());
        Assert.Equal(JobTransitions.InterruptedError, interrupted.GetProperty("error").GetString());
        var log = await second.ReadLogAsync(jobId);
        Assert.Contains(log, l => l.Text == "Interrupted: the console is shutting down.");
        Assert.DoesNotContain(log, l => l.Text.Contains("Recovered at start", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Text.Contains("nothing left to do", StringComparison.Ordinal));
    }

    /// <summary>Reads what the console sends until it closes the socket (its close status) or drops the connection (null).</summary>
    private static async Task<WebSocketCloseStatus?> ReadUntilClosedAsync(ClientWebSocket socket)
    {
        var buffer = new byte[1 << 16];
        try
        {
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            }
            while (result.MessageType != WebSocketMessageType.Close);
            return result.CloseStatus;
        }
        catch (WebSocketException)
        {
            // The console went away without a close frame.
            return null;
        }
    }
}
