using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Sqlite;
using AirsenalOps.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Tests.Integration.Storage;

/// <summary>The embedded store's FTS5 index over a database that had lines before the index existed.</summary>
public sealed class SqliteLogSearchIndexTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDirectory _dir = new();

    private string DatabasePath => _dir.File("airsenalops.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AnExistingDatabase_IsIndexedInShortSteps_AndSearchSaysItIsPartialUntilThen()
    {
        var storage = new SqliteStorage(DatabasePath);
        await storage.InitializeAsync(None);
        var job = new JobRecord { Id = "old-job", Command = "predict", CreatedAt = DateTimeOffset.UnixEpoch };
        await storage.Jobs.InsertAsync(job, None);
        // One append, one chunk: 600 chunks, more than a search indexes before it answers.
        for (var seq = 1; seq <= 600; seq++)
        {
            await storage.Logs.AppendAsync(job.Id, [new LogLine(seq, DateTimeOffset.UnixEpoch, LogSource.Stdout, $"transfer {seq}")], None);
        }

        await using (var connection = new SqliteConnection("Data Source=" + DatabasePath + ";Pooling=False"))
        {
            // As a database of the version before search looks.
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE log_search; DROP TABLE log_search_state;";
            await drop.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        var reopened = new SqliteStorage(DatabasePath);
        await reopened.InitializeAsync(None);
        var search = new LogSearch(reopened);

        var early = await search.SearchAsync(new LogSearchRequest("transfer", JobId: job.Id, PageSize: 100), None);
        Assert.True(early!.Partial);
        Assert.Equal(100, early.Hits.Count);

        long step;
        var steps = 0;
        while ((step = await reopened.Logs.IndexForSearchAsync(None)) > 0)
        {
            Assert.True(step <= 16, $"one step indexed {step} one-line chunks");
            steps++;
        }

        Assert.True(steps > 0);
        var done = await search.SearchAsync(new LogSearchRequest("transfer", JobId: job.Id, Page: 6, PageSize: 100), None);
        Assert.False(done!.Partial);
        Assert.Equal(Enumerable.Range(501, 100).Select(i => (long)i), done.Hits.Select(h => h.Line.Seq));
        Assert.False(done.HasMore);
    }
}
