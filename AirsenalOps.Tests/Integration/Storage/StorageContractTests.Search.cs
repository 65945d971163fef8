using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Integration.Storage;

/// <summary>Log search on each store: the real <see cref="LogSearch"/> over the adapter's index.</summary>
public abstract partial class StorageContractTests
{
    private LogSearch Search => new(Storage);

    private async Task<JobRecord> JobWithLinesAsync(string command, params string[] texts)
    {
        var job = NewJob(command);
        await Storage.Jobs.InsertAsync(job, None);
        await Storage.Logs.AppendAsync(job.Id, [.. texts.Select((t, i) => new LogLine(i + 1, T0.AddSeconds(i), LogSource.Stdout, t))], None);
        return job;
    }

    private async Task<LogSearchPage> SearchAsync(string q, string? job = null, string? command = null, int page = 1, int size = 50, int context = 0) =>
        (await Search.SearchAsync(new LogSearchRequest(q, job, command, page, size, context), None))!;

    [Fact]
    public async Task Search_WithinAJob_FindsWholeWordsIgnoringCase_InLineOrder_WithTheLinesAround()
    {
        var job = await JobWithLinesAsync("predict",
            "Loading players",
            "ERROR: Salah injured",
            "predicting gameweek 21",
            "errors are not the word error... yes they are: error",
            "terror is not the word",
            "done");
        await JobWithLinesAsync("optimize", "error in another job");

        var page = await SearchAsync("Error", job: job.Id, context: 1);

        Assert.Equal([2L, 4L], page.Hits.Select(h => h.Line.Seq));
        Assert.All(page.Hits, h => Assert.Equal(job.Id, h.JobId));
        Assert.All(page.Hits, h => Assert.Equal("predict", h.Command));
        Assert.Equal(["error"], page.Terms);
        Assert.Equal("ERROR: Salah injured", page.Hits[0].Line.Text);
        Assert.Equal(["Loading players"], page.Hits[0].Before.Select(l => l.Text));
        Assert.Equal(["predicting gameweek 21"], page.Hits[0].After.Select(l => l.Text));
        Assert.Equal(["terror is not the word"], page.Hits[1].After.Select(l => l.Text));
        Assert.False(page.HasMore);
        Assert.False(page.Partial);
    }

    [Fact]
    public async Task Search_NeedsEveryWordInTheSameLine()
    {
        // Both words in one stored chunk but on different lines: not a match.
        var job = await JobWithLinesAsync("predict", "Salah scored", "Haaland injured", "Salah injured again", "injured: salah");

        var page = await SearchAsync("salah INJURED", job: job.Id);

        Assert.Equal([3L, 4L], page.Hits.Select(h => h.Line.Seq));
    }

    [Fact]
    public async Task Search_AcrossJobs_NewestFirst_FiltersByCommand_AndPages()
    {
        var lines = Enumerable.Range(1, 5000).Select(i => i % 1000 == 0 ? $"needle {i}" : Text(i)).ToArray();
        var older = await JobWithLinesAsync("predict", lines);
        var newer = await JobWithLinesAsync("optimize", "needle in the newer job", "hay");

        var all = await SearchAsync("needle");
        Assert.Equal(
            [(newer.Id, 1L), (older.Id, 5000L), (older.Id, 4000L), (older.Id, 3000L), (older.Id, 2000L), (older.Id, 1000L)],
            all.Hits.Select(h => (h.JobId, h.Line.Seq)));
        Assert.Equal(["optimize", "predict"], all.Hits.Select(h => h.Command).Distinct());

        var inJob = await SearchAsync("needle", job: older.Id, size: 2, page: 2);
        Assert.Equal([3000L, 4000L], inJob.Hits.Select(h => h.Line.Seq));
        Assert.True(inJob.HasMore);
        var last = await SearchAsync("needle", job: older.Id, size: 2, page: 3);
        Assert.Equal([5000L], last.Hits.Select(h => h.Line.Seq));
        Assert.False(last.HasMore);
        Assert.Empty((await SearchAsync("needle", job: older.Id, size: 2, page: 4)).Hits);

        Assert.Equal([newer.Id], (await SearchAsync("needle", command: "optimize")).Hits.Select(h => h.JobId));
        Assert.Equal(5, (await SearchAsync("needle", command: "predict")).Hits.Count);
        Assert.Empty((await SearchAsync("needle", command: "pipeline")).Hits);
        Assert.Empty((await SearchAsync("needle", job: newer.Id, command: "predict")).Hits);
        Assert.Null(await Search.SearchAsync(new LogSearchRequest("needle", JobId: "no-such-job"), None));
    }

    [Fact]
    public async Task Search_FindsLinesAsSoonAsTheyAreStored_AndForgetsDeletedLogs()
    {
        var first = await JobWithLinesAsync("predict", "captain Salah");
        Assert.Single((await SearchAsync("captain")).Hits);

        await Storage.Logs.AppendAsync(first.Id, [new LogLine(2, T0, LogSource.Stderr, "captain Haaland")], None);
        Assert.Equal([2L, 1L], (await SearchAsync("captain")).Hits.Select(h => h.Line.Seq));

        // The newest job's lines deleted (as retention does), then a new job: its lines take the place the deleted
        // ones had in the store and must still be found.
        var second = await JobWithLinesAsync("optimize", "captain Palmer");
        Assert.Equal(3, (await SearchAsync("captain")).Hits.Count);
        await Storage.Logs.DeleteAsync(second.Id, None);
        Assert.Equal([first.Id], (await SearchAsync("captain")).Hits.Select(h => h.JobId).Distinct());
        var third = await JobWithLinesAsync("optimize", "captain Saka");
        Assert.Equal(
            [(third.Id, "captain Saka"), (first.Id, "captain Haaland"), (first.Id, "captain Salah")],
            (await SearchAsync("captain")).Hits.Select(h => (h.JobId, h.Line.Text)));

        await Storage.Logs.DeleteAsync(first.Id, None);
        await Storage.Logs.DeleteAsync(third.Id, None);
        Assert.Empty((await SearchAsync("captain")).Hits);
    }

    [Fact]
    public async Task Search_FindsWhatWasStoredBeforeARestart()
    {
        var job = await JobWithLinesAsync("predict", "bench boost played");
        Storage = await ReopenAsync();
        await Storage.InitializeAsync(None);

        Assert.Equal([job.Id], (await SearchAsync("boost")).Hits.Select(h => h.JobId));
    }

    [Theory]
    [InlineData("\"a\" OR b*")]
    [InlineData("NEAR(a b) ^c")]
    [InlineData("{\"$ne\": 1} $where")]
    [InlineData("(a|b)+.*[x]")]
    [InlineData("text:a AND -b")]
    [InlineData("'; DROP TABLE job_log_chunks; --")]
    public async Task Search_TakesHostileQueriesAsWords(string q)
    {
        var job = await JobWithLinesAsync("predict", "a b c x ne 1 where text drop table job log chunks or near and", "nothing here");

        var page = await SearchAsync(q);

        // Every word of the query is a plain word: the first line holds them all, the second none.
        Assert.Equal([(job.Id, 1L)], page.Hits.Select(h => (h.JobId, h.Line.Seq)));
        Assert.Equal(2, await Storage.Logs.CountAsync(job.Id, None));
    }

    [Fact]
    public async Task Search_FindsWordsOfAnyScript_AndDigits()
    {
        var job = await JobWithLinesAsync("predict", "Ødegaard 日本 GW21 xG=0.45", "other");

        Assert.Single((await SearchAsync("ødegaard", job: job.Id)).Hits);
        Assert.Single((await SearchAsync("gw21 45", job: job.Id)).Hits);
        Assert.Empty((await SearchAsync("gw2", job: job.Id)).Hits);
    }
}
