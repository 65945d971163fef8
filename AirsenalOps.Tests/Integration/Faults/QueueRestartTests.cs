using System.Text.Json;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.Faults;

/// <summary>A thousand queued jobs survive a restart of the console, every one of them, and run oldest first.</summary>
public sealed class QueueRestartTests : IDisposable
{
    private const int Queued = 1000;

    /// <summary>How many of the queued jobs must have run before the order is judged (all of them would take minutes).</summary>
    private const int Prefix = 25;

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task ThousandQueuedJobs_SurviveARestart_AndRunInCreationOrder()
    {
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 1);
        string blocker;
        var ids = new List<string>(Queued);
        await using (var first = await ConsoleProcess.StartAsync(settings))
        {
            await first.SetSecretAsync("FPL_TEAM_ID", "742663");
            await first.SetSecretAsync("FAKE_SCENARIO", "tree");
            // A job that runs until it is stopped holds the single job slot, so everything after it waits.
            blocker = await first.CreateJobAsync("update_db");
            await first.WaitForJobAsync(blocker, j => j.GetProperty("status").GetString() == "running");
            for (var i = 0; i < Queued; i++)
            {
                ids.Add(await first.CreateJobAsync("check_data"));
            }

            var before = await first.ListAllJobsAsync();
            Assert.Equal(Queued, before.Count(j => j.GetProperty("status").GetString() == "pending"));
            await first.StopAsync();
        }

        await using var second = await ConsoleProcess.StartAsync(settings);

        // The blocker was interrupted by the shutdown and is retried first (it is the oldest); its second run ends at once.
        var retried = await second.WaitForJobAsync(blocker, ConsoleProcess.IsFinished);
        Assert.Equal("completed", retried.GetProperty("status").GetString());
        Assert.Equal("interrupted", retried.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        await ConsoleKillTests.WaitUntilAsync(async () => (await second.GetJobAsync(ids[Prefix - 1])).GetProperty("status").GetString() == "completed", seconds: 300);

        var all = await second.ListAllJobsAsync();
        Assert.Equal(Queued + 1, all.Count);
        // Oldest first by creation: exactly the order in which the API created them.
        Assert.Equal([blocker, .. ids], all.Select(j => j.GetProperty("id").GetString()!));
        var afterBlocker = all.Skip(1).ToList();
        var begun = afterBlocker.TakeWhile(Started).ToList();
        Assert.True(begun.Count >= Prefix, $"only {begun.Count} jobs had started");
        // No job started before an older one: the started ones are a prefix, and they started in order.
        Assert.DoesNotContain(afterBlocker.Skip(begun.Count), Started);
        var starts = begun.Select(j => j.GetProperty("started_at").GetDateTimeOffset()).ToList();
        Assert.Equal(starts.Order(), starts);
        Assert.All(begun.SkipLast(1), j => Assert.Equal("completed", j.GetProperty("status").GetString()));
        Assert.True(retried.GetProperty("completed_at").GetDateTimeOffset() <= starts[0], "the retried blocker ran before the queue");
    }

    private static bool Started(JsonElement job) => job.GetProperty("status").GetString() != "pending";
}
