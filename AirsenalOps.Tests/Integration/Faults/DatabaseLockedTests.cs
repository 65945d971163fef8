using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Tests.Integration.Faults;

/// <summary>
/// Another process holds a lock on the console's SQLite file (issue 13.11): a new job waits at most the busy timeout
/// (SQLITE_BUSY_TIMEOUT_SECONDS, 5 s by default) and is answered 503 with a detail, instead of hanging for as long
/// as the lock is held; once the lock is let go it works again.
/// </summary>
public sealed class DatabaseLockedTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task AnotherProcessHoldsBeginExclusive_PostJobIs503WithinTheBusyTimeout_ThenWorksAfterRelease()
    {
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 0);
        await using var console = await ConsoleProcess.StartAsync(settings);
        await console.SetSecretAsync("FPL_TEAM_ID", "742663");
        var database = Path.Combine(settings["DATA_DIR"], StorageServiceCollectionExtensions.EmbeddedDatabaseFile);

        await using (var holder = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                await begin.ExecuteNonQueryAsync();
            }

            var clock = Stopwatch.StartNew();
            using var refused = await console.Client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), new { command = "check_data" });
            clock.Stop();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
            Assert.Contains("locked by another process", detail, StringComparison.Ordinal);
            // The busy timeout is 5 s (the write probe before it waits 1 s); a loaded machine gets some slack, a hang does not.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"POST /api/jobs took {clock.Elapsed.TotalSeconds:0.0} s against a held lock");
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(4), $"POST /api/jobs gave up after {clock.Elapsed.TotalSeconds:0.0} s, before the busy timeout");

            await using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        var id = await console.CreateJobAsync("check_data");
        Assert.Equal("completed", (await console.WaitForJobAsync(id, ConsoleProcess.IsFinished)).GetProperty("status").GetString());
    }
}
