using System.Globalization;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Integration.Storage;

/// <summary>
/// What every <see cref="IStorage"/> adapter must do. Each adapter has a subclass that says how to
/// open a store and how to open it again after a restart; the tests are the same for both.
/// </summary>
public abstract partial class StorageContractTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 8, 8, 10, 0, 0, TimeSpan.Zero);

    protected IStorage Storage { get; private set; } = null!;

    /// <summary>A store on fresh, empty data.</summary>
    protected abstract Task<IStorage> OpenFreshAsync();

    /// <summary>A new store object on the same data, as a restarted console would open it.</summary>
    protected abstract Task<IStorage> ReopenAsync();

    public virtual async Task InitializeAsync()
    {
        Storage = await OpenFreshAsync();
        await Storage.InitializeAsync(None);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static JobRecord NewJob(string command = "predict", DateTimeOffset? createdAt = null, JobStatus status = JobStatus.Pending) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Command = command,
        Status = status,
        CreatedAt = createdAt ?? T0,
        MaxRetries = 3,
    };

    private static JobRecord RichJob() => NewJob("optimize") with
    {
        Parameters = new JsonObject
        {
            ["weeks_ahead"] = 3,
            ["ratio"] = 0.125,
            ["big"] = 9_007_199_254_740_000L,
            ["negative"] = -42,
            ["flag"] = true,
            ["nothing"] = null,
            ["name"] = "Ødegaard ⚽ 日本 \"quoted\" \\ back",
            ["nested"] = new JsonObject { ["list"] = new JsonArray(1, "two", new JsonObject { ["three"] = 3.5 }), ["empty"] = new JsonObject() },
        },
        Status = JobStatus.Completed,
        Output = new JsonObject
        {
            ["type"] = "optimisation",
            ["best_points"] = 61.25,
            ["transfers"] = new JsonArray(new JsonObject { ["in"] = "Salah", ["out"] = "Saka" }),
            ["summary_text"] = "Captain: Haaland\nVice: Salah — £14.5m",
        },
        Error = null,
        RetryCount = 1,
        MaxRetries = 5,
        CreatedAt = T0.AddTicks(1_234_567),
        StartedAt = T0.AddSeconds(1).AddTicks(10),
        CompletedAt = T0.AddMinutes(3).AddTicks(987_654_3),
        Hint = "Run setup_db first.",
        NextAttemptAt = null,
        CommandLine = "airsenal_run_optimization --weeks_ahead 3",
        ExitCode = 0,
        ProcessGroupId = 4242,
        Owner = "console-a",
        OwnerHost = "host-a",
        LeaseExpiresAt = T0.AddMinutes(2).AddTicks(31),
        Progress = 100,
        Eta = T0.AddMinutes(4),
        ProgressDone = 87.61904761904742,
        ProgressTotal = 100,
        Attempts =
        [
            new JobAttempt(1, T0.AddSeconds(1), T0.AddSeconds(30), 1, "failed", "boom ✗"),
            new JobAttempt(2, T0.AddMinutes(1).AddTicks(5), T0.AddMinutes(3), 0, "completed", null),
        ],
    };

    private static void AssertSameJob(JobRecord expected, JobRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Command, actual.Command);
        Assert.True(JsonNode.DeepEquals(expected.Parameters, actual.Parameters), $"parameters differ: {actual.Parameters.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(expected.Output, actual.Output), $"output differs: {actual.Output?.ToJsonString()}");
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Error, actual.Error);
        Assert.Equal(expected.RetryCount, actual.RetryCount);
        Assert.Equal(expected.MaxRetries, actual.MaxRetries);
        AssertSameTime(expected.CreatedAt, actual.CreatedAt);
        AssertSameTime(expected.StartedAt, actual.StartedAt);
        AssertSameTime(expected.CompletedAt, actual.CompletedAt);
        AssertSameTime(expected.NextAttemptAt, actual.NextAttemptAt);
        AssertSameTime(expected.Eta, actual.Eta);
        Assert.Equal((expected.ProgressDone, expected.ProgressTotal), (actual.ProgressDone, actual.ProgressTotal));
        Assert.Equal(expected.Hint, actual.Hint);
        Assert.Equal(expected.CommandLine, actual.CommandLine);
        Assert.Equal(expected.ExitCode, actual.ExitCode);
        Assert.Equal(expected.ProcessGroupId, actual.ProcessGroupId);
        Assert.Equal(expected.Owner, actual.Owner);
        Assert.Equal(expected.OwnerHost, actual.OwnerHost);
        AssertSameTime(expected.LeaseExpiresAt, actual.LeaseExpiresAt);
        Assert.Equal(expected.Progress, actual.Progress);
        Assert.Equal(expected.Attempts.Count, actual.Attempts.Count);
        foreach (var (want, got) in expected.Attempts.Zip(actual.Attempts))
        {
            Assert.Equal(want with { StartedAt = got.StartedAt, EndedAt = got.EndedAt }, got);
            AssertSameTime(want.StartedAt, got.StartedAt);
            AssertSameTime(want.EndedAt, got.EndedAt);
        }
    }

    /// <summary>Same instant to the microsecond.</summary>
    private static void AssertSameTime(DateTimeOffset? expected, DateTimeOffset? actual)
    {
        Assert.Equal(expected.HasValue, actual.HasValue);
        if (expected is { } e && actual is { } a)
        {
            Assert.True(Math.Abs((e - a).Ticks) < 10, $"expected {e:O}, got {a:O}");
        }
    }

    [Fact]
    public async Task Initialize_CanRunAgain_AndPingAnswers()
    {
        await Storage.InitializeAsync(None);
        await Storage.PingAsync(None);
    }

    [Fact]
    public async Task Job_RoundTripsEveryField()
    {
        var job = RichJob();

        await Storage.Jobs.InsertAsync(job, None);

        AssertSameJob(job, await Storage.Jobs.GetAsync(job.Id, None));
        AssertSameJob(job, Assert.Single(await Storage.Jobs.ListAsync(new JobFilter(), None)));
    }

    [Fact]
    public async Task Job_Get_UnknownId_ReturnsNull()
    {
        Assert.Null(await Storage.Jobs.GetAsync("no-such-job", None));
    }

    [Fact]
    public async Task Job_Insert_SameIdTwice_IsRefused()
    {
        var job = NewJob();
        await Storage.Jobs.InsertAsync(job, None);

        await Assert.ThrowsAnyAsync<Exception>(() => Storage.Jobs.InsertAsync(job with { Command = "update_db" }, None));

        Assert.Equal("predict", (await Storage.Jobs.GetAsync(job.Id, None))!.Command);
        Assert.Equal(1, await Storage.Jobs.CountAsync(new JobFilter(), None));
    }

    [Fact]
    public async Task Job_List_IsNewestFirst_FiltersByStatusAndCommand_AndPages()
    {
        var jobs = Enumerable.Range(0, 10)
            .Select(i => NewJob(i % 2 == 0 ? "predict" : "optimize", T0.AddMinutes(i), i < 4 ? JobStatus.Completed : JobStatus.Pending))
            .ToList();
        // Insert out of order: the order must come from created_at, not from insertion.
        foreach (var job in jobs.OrderBy(j => j.Id, StringComparer.Ordinal))
        {
            await Storage.Jobs.InsertAsync(job, None);
        }

        var all = await Storage.Jobs.ListAsync(new JobFilter(), None);
        Assert.Equal(jobs.Select(j => j.Id).Reverse(), all.Select(j => j.Id));

        var page = await Storage.Jobs.ListAsync(new JobFilter(Skip: 2, Limit: 3), None);
        Assert.Equal(jobs.Select(j => j.Id).Reverse().Skip(2).Take(3), page.Select(j => j.Id));

        var completedPredicts = await Storage.Jobs.ListAsync(new JobFilter(JobStatus.Completed, "predict"), None);
        Assert.Equal([jobs[2].Id, jobs[0].Id], completedPredicts.Select(j => j.Id));

        Assert.Equal(10, await Storage.Jobs.CountAsync(new JobFilter(), None));
        Assert.Equal(6, await Storage.Jobs.CountAsync(new JobFilter(Status: JobStatus.Pending), None));
        Assert.Equal(5, await Storage.Jobs.CountAsync(new JobFilter(Command: "optimize"), None));
        Assert.Equal(2, await Storage.Jobs.CountAsync(new JobFilter(JobStatus.Completed, "optimize"), None));
        Assert.Equal(0, await Storage.Jobs.CountAsync(new JobFilter(Command: "pipeline"), None));
    }

    [Fact]
    public async Task Claim_TakesTheOldestCreatedPendingJob_AndMarksItRunning()
    {
        var newer = NewJob(createdAt: T0.AddMinutes(2));
        var oldest = NewJob(createdAt: T0);
        var middle = NewJob(createdAt: T0.AddMinutes(1));
        var finished = NewJob(createdAt: T0.AddMinutes(-5), status: JobStatus.Completed);
        foreach (var job in new[] { newer, oldest, middle, finished })
        {
            await Storage.Jobs.InsertAsync(job, None);
        }

        var now = T0.AddHours(1);
        var first = await Storage.Jobs.ClaimNextAsync(new JobClaim("me", now), None);
        var second = await Storage.Jobs.ClaimNextAsync(new JobClaim("me", now), None);
        var third = await Storage.Jobs.ClaimNextAsync(new JobClaim("you", now), None);
        var none = await Storage.Jobs.ClaimNextAsync(new JobClaim("me", now), None);

        Assert.Equal([oldest.Id, middle.Id, newer.Id], new[] { first!.Id, second!.Id, third!.Id });
        Assert.Null(none);
        Assert.Equal(JobStatus.Running, first.Status);
        Assert.Equal("me", first.Owner);
        AssertSameTime(now, first.StartedAt);
        var stored = await Storage.Jobs.GetAsync(third.Id, None);
        Assert.Equal(JobStatus.Running, stored!.Status);
        Assert.Equal("you", stored.Owner);
        AssertSameTime(now, stored.StartedAt);
        Assert.Equal(JobStatus.Completed, (await Storage.Jobs.GetAsync(finished.Id, None))!.Status);
    }

    [Fact]
    public async Task JobsCreatedAtTheSameInstant_ListNewestInsertedFirst_AndClaimInInsertionOrder()
    {
        var jobs = Enumerable.Range(0, 5).Select(_ => NewJob(createdAt: T0)).ToList();
        foreach (var job in jobs)
        {
            await Storage.Jobs.InsertAsync(job, None);
        }

        var listed = await Storage.Jobs.ListAsync(new JobFilter(), None);
        Assert.Equal(jobs.Select(j => j.Id).Reverse(), listed.Select(j => j.Id));
        var claimed = new List<string>();
        while (await Storage.Jobs.ClaimNextAsync(new JobClaim("me", T0.AddHours(1)), None) is { } job)
        {
            claimed.Add(job.Id);
        }

        Assert.Equal(jobs.Select(j => j.Id), claimed);
    }

    [Fact]
    public async Task Claim_LeavesAJobWhoseNextAttemptIsInTheFuture_UntilItsTimeComes()
    {
        var waiting = NewJob(createdAt: T0) with { NextAttemptAt = T0.AddMinutes(10), RetryCount = 1 };
        await Storage.Jobs.InsertAsync(waiting, None);

        Assert.Null(await Storage.Jobs.ClaimNextAsync(new JobClaim("me", T0.AddMinutes(9)), None));

        var claimed = await Storage.Jobs.ClaimNextAsync(new JobClaim("me", T0.AddMinutes(10)), None);
        Assert.Equal(waiting.Id, claimed?.Id);
        Assert.Null(claimed!.NextAttemptAt);
        Assert.Equal(1, claimed.RetryCount);
        Assert.Null((await Storage.Jobs.GetAsync(waiting.Id, None))!.NextAttemptAt);
    }

    [Fact]
    public async Task Claim_WithCommands_TakesOnlyThoseCommands()
    {
        var predict = NewJob("predict", T0);
        var update = NewJob("update_db", T0.AddMinutes(1));
        await Storage.Jobs.InsertAsync(predict, None);
        await Storage.Jobs.InsertAsync(update, None);

        Assert.Null(await Storage.Jobs.ClaimNextAsync(new JobClaim("me", T0.AddHours(1), []), None));
        Assert.Null(await Storage.Jobs.ClaimNextAsync(new JobClaim("me", T0.AddHours(1), ["pipeline"]), None));
        var claimed = await Storage.Jobs.ClaimNextAsync(new JobClaim("me", T0.AddHours(1), ["update_db", "setup_db"]), None);

        Assert.Equal(update.Id, claimed?.Id);
        Assert.Equal(JobStatus.Pending, (await Storage.Jobs.GetAsync(predict.Id, None))!.Status);
    }

    [Fact]
    public async Task Claim_OnePendingJobBy20ConcurrentClaimers_ExactlyOneWins()
    {
        var job = NewJob();
        await Storage.Jobs.InsertAsync(job, None);
        using var go = new ManualResetEventSlim();

        var claims = Enumerable.Range(0, 20)
            .Select(i => Task.Run(async () =>
            {
                go.Wait();
                return await Storage.Jobs.ClaimNextAsync(new JobClaim("claimer-" + i.ToString(CultureInfo.InvariantCulture), T0.AddHours(1)), None);
            }))
            .ToList();
        go.Set();
        var results = await Task.WhenAll(claims);

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(job.Id, winner!.Id);
        var stored = await Storage.Jobs.GetAsync(job.Id, None);
        Assert.Equal(JobStatus.Running, stored!.Status);
        Assert.Equal(winner.Owner, stored.Owner);
    }

    [Fact]
    public async Task Update_ComparesAndSetsOnStatus()
    {
        var job = NewJob();
        await Storage.Jobs.InsertAsync(job, None);
        var completed = job with
        {
            Status = JobStatus.Completed,
            Output = new JsonObject { ["headline"] = "done" },
            CompletedAt = T0.AddMinutes(1),
            Attempts = [new JobAttempt(1, T0, T0.AddMinutes(1), 0, "completed", null)],
        };

        Assert.False(await Storage.Jobs.UpdateAsync(completed, JobStatus.Running, None));
        AssertSameJob(job, await Storage.Jobs.GetAsync(job.Id, None));

        Assert.True(await Storage.Jobs.UpdateAsync(completed, JobStatus.Pending, None));
        AssertSameJob(completed, await Storage.Jobs.GetAsync(job.Id, None));

        // The second writer expected the old status and loses.
        Assert.False(await Storage.Jobs.UpdateAsync(job with { Status = JobStatus.Cancelled }, JobStatus.Pending, None));
        Assert.Equal(JobStatus.Completed, (await Storage.Jobs.GetAsync(job.Id, None))!.Status);

        // No expectation: the write always lands.
        Assert.True(await Storage.Jobs.UpdateAsync(completed with { Hint = "again" }, null, None));
        Assert.Equal("again", (await Storage.Jobs.GetAsync(job.Id, None))!.Hint);
    }

    [Fact]
    public async Task Claim_CarriesTheOwnersHostAndLease_AndTheyRoundTrip()
    {
        var job = NewJob();
        await Storage.Jobs.InsertAsync(job, None);

        var claimed = await Storage.Jobs.ClaimNextAsync(new JobClaim("console-a", T0, Host: "host-a", LeaseExpiresAt: T0.AddSeconds(30)), None);

        Assert.NotNull(claimed);
        var stored = (await Storage.Jobs.GetAsync(job.Id, None))!;
        foreach (var found in new[] { claimed, stored })
        {
            Assert.Equal("console-a", found.Owner);
            Assert.Equal("host-a", found.OwnerHost);
            AssertSameTime(T0.AddSeconds(30), found.LeaseExpiresAt);
        }
    }

    /// <summary>
    /// The race leases exist for: console B reads a job whose lease has run out and decides to recover it; meanwhile
    /// its owner A renews the lease. B's write, expecting the job as it read it, must miss (so must a write that
    /// expects an owner the job no longer has).
    /// </summary>
    [Fact]
    public async Task Update_ExpectingTheJobAsRead_MissesOnceTheLeaseWasRenewedOrTheOwnerChanged()
    {
        var job = NewJob();
        await Storage.Jobs.InsertAsync(job, None);
        var claimed = (await Storage.Jobs.ClaimNextAsync(new JobClaim("console-a", T0, Host: "host-a", LeaseExpiresAt: T0.AddSeconds(30)), None))!;
        var readByB = (await Storage.Jobs.GetAsync(job.Id, None))!;

        // A renews (expecting the job as it read it: that lands).
        var renewed = claimed with { LeaseExpiresAt = T0.AddSeconds(40) };
        Assert.True(await Storage.Jobs.UpdateAsync(renewed, JobExpectation.AsRead(claimed), None));

        // B's recovery, decided on the old lease, misses: same status, same owner, another lease.
        Assert.False(await Storage.Jobs.UpdateAsync(readByB with { Status = JobStatus.Pending, Owner = null, LeaseExpiresAt = null }, JobExpectation.AsRead(readByB), None));
        var stored = (await Storage.Jobs.GetAsync(job.Id, None))!;
        Assert.Equal(JobStatus.Running, stored.Status);
        AssertSameTime(T0.AddSeconds(40), stored.LeaseExpiresAt);

        // The job taken over by B (same status, B's owner): A's write expecting itself as owner misses.
        var takenOver = stored with { Owner = "console-b", LeaseExpiresAt = T0.AddSeconds(90) };
        Assert.True(await Storage.Jobs.UpdateAsync(takenOver, JobExpectation.AsRead(stored), None));
        Assert.False(await Storage.Jobs.UpdateAsync(stored with { Progress = 50 }, JobExpectation.AsRead(stored), None));
        Assert.Null((await Storage.Jobs.GetAsync(job.Id, None))!.Progress);

        // Expecting the status alone still ignores owner and lease.
        Assert.True(await Storage.Jobs.UpdateAsync(takenOver with { Hint = "status only" }, JobStatus.Running, None));

        // A job without an owner or lease (the older console's) is matched as read too.
        var legacy = NewJob() with { Status = JobStatus.Running };
        await Storage.Jobs.InsertAsync(legacy, None);
        Assert.True(await Storage.Jobs.UpdateAsync(legacy with { Owner = "console-b", LeaseExpiresAt = T0 }, JobExpectation.AsRead(legacy), None));
        Assert.Equal("console-b", (await Storage.Jobs.GetAsync(legacy.Id, None))!.Owner);
    }

    [Fact]
    public async Task Update_UnknownJob_ReturnsFalse_AndCreatesNothing()
    {
        Assert.False(await Storage.Jobs.UpdateAsync(NewJob(), null, None));
        Assert.Equal(0, await Storage.Jobs.CountAsync(new JobFilter(), None));
    }

    /// <summary>GET /api/jobs caches on this version: a write that does not change it would leave the listing stale.</summary>
    [Fact]
    public async Task JobWrites_ChangeTheJobStoresVersion_ReadsAndWritesThatChangedNothingDoNot()
    {
        var jobs = Assert.IsType<VersionedJobStore>(Storage.Jobs);
        var version = jobs.Version;
        void AssertChanged(bool changed)
        {
            Assert.Equal(changed, jobs.Version != version);
            version = jobs.Version;
        }

        var job = NewJob();
        await jobs.InsertAsync(job, None);
        AssertChanged(true);

        await jobs.GetAsync(job.Id, None);
        await jobs.ListAsync(new JobFilter(), None);
        await jobs.CountAsync(new JobFilter(), None);
        Assert.Null(await jobs.ClaimNextAsync(new JobClaim("me", T0, ["other"]), None));
        Assert.False(await jobs.UpdateAsync(job with { Hint = "lost" }, JobStatus.Running, None));
        AssertChanged(false);

        Assert.NotNull(await jobs.ClaimNextAsync(new JobClaim("me", T0), None));
        AssertChanged(true);

        Assert.True(await jobs.UpdateAsync(job with { Status = JobStatus.Completed }, JobStatus.Running, None));
        AssertChanged(true);

        // A write that failed may still have reached the store: it counts.
        await Assert.ThrowsAnyAsync<Exception>(() => jobs.InsertAsync(job, None));
        AssertChanged(true);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => jobs.ClaimNextAsync(new JobClaim("me", T0), new CancellationToken(canceled: true)));
        AssertChanged(true);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => jobs.UpdateAsync(job, null, new CancellationToken(canceled: true)));
        AssertChanged(true);
    }

    [Fact]
    public async Task Logs_100000Lines_AppendedInBatches_ReadBackInOrder_Paged()
    {
        const int total = 100_000;
        const int batch = 1_000;
        var jobId = Guid.NewGuid().ToString();
        var other = Guid.NewGuid().ToString();
        await Storage.Logs.AppendAsync(other, [Line(1), Line(2)], None);
        for (var start = 1; start <= total; start += batch)
        {
            await Storage.Logs.AppendAsync(jobId, Enumerable.Range(start, batch).Select(i => Line(i)).ToList(), None);
        }

        Assert.Equal(total, await Storage.Logs.CountAsync(jobId, None));
        Assert.Equal(total, await Storage.Logs.LastSeqAsync(jobId, None));
        Assert.Equal(total + 2, await Storage.Logs.CountAllAsync(None));

        long after = 0;
        var pages = 0;
        while (true)
        {
            var page = await Storage.Logs.ReadAsync(jobId, after, 5_000, None);
            if (page.Count == 0)
            {
                break;
            }

            pages++;
            foreach (var line in page)
            {
                after++;
                Assert.Equal(after, line.Seq);
                Assert.Equal(Text(after), line.Text);
            }
        }

        Assert.Equal(total, after);
        Assert.Equal(20, pages);

        var tail = await Storage.Logs.ReadTailAsync(jobId, 3, None);
        Assert.Equal([total - 2L, total - 1L, total], tail.Select(l => l.Seq));
        Assert.Equal(total, await Storage.Logs.DeleteAsync(jobId, None));
        Assert.Equal(0, await Storage.Logs.CountAsync(jobId, None));
        Assert.Equal(2, await Storage.Logs.CountAllAsync(None));
    }

    [Fact]
    public async Task Logs_ReadAfterLimitTailCountAndDelete_ArePerJob()
    {
        var job = Guid.NewGuid().ToString();
        var other = Guid.NewGuid().ToString();
        var lines = new[]
        {
            new LogLine(1, T0.AddTicks(15), LogSource.System, "started: airsenal_run_prediction"),
            new LogLine(2, T0.AddSeconds(1), LogSource.Stdout, "Ødegaard 6.1 ⚽"),
            new LogLine(3, T0.AddSeconds(2), LogSource.Stderr, "warning: slow"),
            new LogLine(4, T0.AddSeconds(3), LogSource.Stdout, ""),
        };
        await Storage.Logs.AppendAsync(job, lines[..2], None);
        await Storage.Logs.AppendAsync(job, lines[2..], None);
        await Storage.Logs.AppendAsync(job, [], None);
        await Storage.Logs.AppendAsync(other, [Line(1)], None);

        var all = await Storage.Logs.ReadAsync(job, 0, 100, None);
        Assert.Equal(lines.Length, all.Count);
        foreach (var (want, got) in lines.Zip(all))
        {
            Assert.Equal(want with { Time = got.Time }, got);
            AssertSameTime(want.Time, got.Time);
        }

        Assert.Equal([2L, 3L], (await Storage.Logs.ReadAsync(job, 1, 2, None)).Select(l => l.Seq));
        Assert.Empty(await Storage.Logs.ReadAsync(job, 4, 10, None));
        Assert.Equal([3L, 4L], (await Storage.Logs.ReadTailAsync(job, 2, None)).Select(l => l.Seq));
        Assert.Equal(4, (await Storage.Logs.ReadTailAsync(job, 50, None)).Count);
        Assert.Equal(4, await Storage.Logs.CountAsync(job, None));
        Assert.Equal(4, await Storage.Logs.LastSeqAsync(job, None));
        Assert.Equal(0, await Storage.Logs.LastSeqAsync("unknown", None));
        Assert.Empty(await Storage.Logs.ReadTailAsync("unknown", 5, None));
        Assert.Equal(5, await Storage.Logs.CountAllAsync(None));

        Assert.Equal(4, await Storage.Logs.DeleteAsync(job, None));
        Assert.Equal(0, await Storage.Logs.DeleteAsync(job, None));
        Assert.Equal(1, await Storage.Logs.CountAsync(other, None));
    }

    [Fact]
    public async Task Logs_PagesAndTails_AtEveryOffset_AcrossLongAndShortAppends()
    {
        // A long append (split into several stored chunks by the embedded store), long lines, a one-line
        // append, then another run: pages and tails must line up whatever the offset.
        var job = Guid.NewGuid().ToString();
        var longText = new string('x', 70_000) + " ⚽";
        var lines = Enumerable.Range(1, 6_000)
            .Select(i => i % 1_000 == 0 ? new LogLine(i, T0.AddMilliseconds(i), LogSource.Stderr, longText) : Line(i))
            .ToList();
        await Storage.Logs.AppendAsync(job, lines[..5_000], None);
        await Storage.Logs.AppendAsync(job, lines[5_000..5_001], None);
        await Storage.Logs.AppendAsync(job, lines[5_001..], None);

        Assert.Equal(6_000, await Storage.Logs.CountAsync(job, None));
        Assert.Equal(6_000, await Storage.Logs.LastSeqAsync(job, None));
        foreach (var (after, limit) in new[] { (0L, 1), (0L, 6_000), (1L, 2_047), (2_047L, 3), (2_048L, 2_049), (4_999L, 2), (5_000L, 1), (5_999L, 10), (6_000L, 10), (3_333L, 10_000) })
        {
            var page = await Storage.Logs.ReadAsync(job, after, limit, None);
            var want = lines.Skip((int)after).Take(limit).ToList();
            Assert.Equal(want.Select(l => l.Seq), page.Select(l => l.Seq));
            Assert.Equal(want.Select(l => l.Text), page.Select(l => l.Text));
            Assert.Equal(want.Select(l => l.Source), page.Select(l => l.Source));
        }

        foreach (var count in new[] { 1, 2, 999, 1_000, 1_001, 2_049, 5_999, 6_000, 7_000 })
        {
            var tail = await Storage.Logs.ReadTailAsync(job, count, None);
            Assert.Equal(lines.TakeLast(count).Select(l => l.Seq), tail.Select(l => l.Seq));
        }

        var all = await Storage.Logs.ReadAsync(job, 0, 10_000, None);
        AssertSameTime(T0.AddMilliseconds(1_000), all[999].Time);
        Assert.Equal(longText, all[999].Text);
    }

    [Fact]
    public async Task Logs_SeqInsideAStoredRun_IsRefused()
    {
        var job = Guid.NewGuid().ToString();
        await Storage.Logs.AppendAsync(job, [.. Enumerable.Range(1, 10).Select(i => Line(i))], None);

        await Assert.ThrowsAnyAsync<Exception>(() => Storage.Logs.AppendAsync(job, [Line(5)], None));

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), (await Storage.Logs.ReadAsync(job, 0, 100, None)).Select(l => l.Seq));
    }

    [Fact]
    public async Task Logs_SameSeqTwice_IsRefused()
    {
        var job = Guid.NewGuid().ToString();
        await Storage.Logs.AppendAsync(job, [Line(1), Line(2)], None);

        await Assert.ThrowsAnyAsync<Exception>(() => Storage.Logs.AppendAsync(job, [Line(2)], None));

        Assert.Equal(2, await Storage.Logs.CountAsync(job, None));
    }

    [Fact]
    public async Task Secrets_UpsertGetListDelete()
    {
        await Storage.Secrets.UpsertAsync(new SecretRecord("FPL_TEAM_ID", "123", T0), None);
        await Storage.Secrets.UpsertAsync(new SecretRecord("APP_ADMIN_EMAIL", "admin@example.com", null), None);
        await Storage.Secrets.UpsertAsync(new SecretRecord("FPL_TEAM_ID", "gAAAAA-token", T0.AddMinutes(1)), None);

        var teamId = await Storage.Secrets.GetAsync("FPL_TEAM_ID", None);
        Assert.Equal("gAAAAA-token", teamId!.Value);
        AssertSameTime(T0.AddMinutes(1), teamId.UpdatedAt);
        Assert.Null((await Storage.Secrets.GetAsync("APP_ADMIN_EMAIL", None))!.UpdatedAt);
        Assert.Null(await Storage.Secrets.GetAsync("FPL_PASSWORD", None));
        Assert.Equal(["APP_ADMIN_EMAIL", "FPL_TEAM_ID"], (await Storage.Secrets.ListAsync(None)).Select(s => s.Key));

        Assert.True(await Storage.Secrets.DeleteAsync("FPL_TEAM_ID", None));
        Assert.False(await Storage.Secrets.DeleteAsync("FPL_TEAM_ID", None));
        Assert.Equal(["APP_ADMIN_EMAIL"], (await Storage.Secrets.ListAsync(None)).Select(s => s.Key));
    }

    [Fact]
    public async Task Restart_KeepsJobsLogsAndSecrets()
    {
        var job = RichJob();
        await Storage.Jobs.InsertAsync(job, None);
        await Storage.Logs.AppendAsync(job.Id, [Line(1), Line(2), Line(3)], None);
        await Storage.Secrets.UpsertAsync(new SecretRecord("FPL_LOGIN", "me@example.com", T0), None);

        var reopened = await ReopenAsync();
        await reopened.InitializeAsync(None);

        AssertSameJob(job, await reopened.Jobs.GetAsync(job.Id, None));
        Assert.Equal([1L, 2L, 3L], (await reopened.Logs.ReadAsync(job.Id, 0, 10, None)).Select(l => l.Seq));
        Assert.Equal("me@example.com", (await reopened.Secrets.GetAsync("FPL_LOGIN", None))!.Value);
    }

    private static ScheduleRecord RichSchedule(string id, DateTimeOffset createdAt) => new()
    {
        Id = id,
        Name = "Before each deadline ⚽",
        Target = ScheduleTarget.WeeklyChain,
        Parameters = new JsonObject { ["predict"] = new JsonObject { ["weeks_ahead"] = 3 }, ["optimize"] = new JsonObject() },
        DeadlineOffsetMinutes = -360,
        TimeZone = "Europe/London",
        CreatedAt = createdAt,
        UpdatedAt = createdAt.AddTicks(5),
        LastDueAt = T0.AddHours(1).AddTicks(123_4560),
        NextRunAt = T0.AddDays(7),
        Active = new ScheduleRun
        {
            DueAt = T0.AddHours(1),
            StartedAt = T0.AddHours(1).AddSeconds(2),
            Outcome = "running",
            Steps = ["update_db", "predict", "optimize"],
            JobIds = ["job-1", "job-2"],
        },
        History =
        [
            new ScheduleRun { DueAt = T0, Outcome = "missed", Detail = "console was down", Trigger = "schedule" },
        ],
    };

    [Fact]
    public async Task Schedules_UpsertGetListDelete_RoundTripEveryField_AndSurviveRestart()
    {
        var first = RichSchedule("s-1", T0);
        var second = RichSchedule("s-2", T0.AddMinutes(1)) with { Target = ScheduleTarget.Command, Command = "predict", Cron = "0 6 * * 1", DeadlineOffsetMinutes = null, Active = null, History = [] };
        await Storage.Schedules.UpsertAsync(second, None);
        await Storage.Schedules.UpsertAsync(first, None);

        Assert.Equal(["s-1", "s-2"], (await Storage.Schedules.ListAsync(None)).Select(s => s.Id));
        var read = await Storage.Schedules.GetAsync("s-1", None);
        Assert.NotNull(read);
        Assert.Equal(first.Name, read.Name);
        Assert.Equal(ScheduleTarget.WeeklyChain, read.Target);
        Assert.True(JsonNode.DeepEquals(first.Parameters, read.Parameters));
        Assert.Equal(-360, read.DeadlineOffsetMinutes);
        Assert.Null(read.Cron);
        Assert.Equal("Europe/London", read.TimeZone);
        AssertSameTime(first.LastDueAt, read.LastDueAt);
        AssertSameTime(first.NextRunAt, read.NextRunAt);
        AssertSameTime(first.UpdatedAt, read.UpdatedAt);
        Assert.Equal(["job-1", "job-2"], read.Active!.JobIds);
        Assert.Equal(["update_db", "predict", "optimize"], read.Active.Steps);
        AssertSameTime(first.Active!.StartedAt, read.Active.StartedAt);
        Assert.Equal("missed", Assert.Single(read.History).Outcome);
        Assert.Equal("0 6 * * 1", (await Storage.Schedules.GetAsync("s-2", None))!.Cron);

        // Upsert replaces: the run finished and went to the history.
        await Storage.Schedules.UpsertAsync(first with { Active = null, History = [first.Active with { Outcome = "completed" }, .. first.History] }, None);
        var reopened = await ReopenAsync();
        await reopened.InitializeAsync(None);
        var replaced = await reopened.Schedules.GetAsync("s-1", None);
        Assert.Null(replaced!.Active);
        Assert.Equal(["completed", "missed"], replaced.History.Select(h => h.Outcome));
        Assert.Equal(2, (await reopened.Schedules.ListAsync(None)).Count);

        Assert.True(await reopened.Schedules.DeleteAsync("s-1", None));
        Assert.False(await reopened.Schedules.DeleteAsync("s-1", None));
        Assert.Null(await reopened.Schedules.GetAsync("s-1", None));
        Assert.Equal(["s-2"], (await reopened.Schedules.ListAsync(None)).Select(s => s.Id));
    }

    [Fact]
    public async Task Notifications_WebhooksCrud_AndDeliveriesNewestFirst_PerWebhook()
    {
        var hook = new WebhookRecord { Id = "w-1", Name = "Slack", EncryptedUrl = "gAAAAAtoken", Host = "hooks.example.com", Format = "slack", Events = ["job_failed", "chain_finished"], CreatedAt = T0 };
        await Storage.Notifications.UpsertWebhookAsync(hook, None);
        await Storage.Notifications.UpsertWebhookAsync(hook with { Id = "w-2", CreatedAt = T0.AddMinutes(1) }, None);
        await Storage.Notifications.UpsertWebhookAsync(hook with { Enabled = false }, None);

        var read = await Storage.Notifications.GetWebhookAsync("w-1", None);
        Assert.False(read!.Enabled);
        Assert.Equal(["job_failed", "chain_finished"], read.Events);
        Assert.Equal("gAAAAAtoken", read.EncryptedUrl);
        Assert.Equal(["w-1", "w-2"], (await Storage.Notifications.ListWebhooksAsync(None)).Select(w => w.Id));

        for (var i = 0; i < 5; i++)
        {
            await Storage.Notifications.AddDeliveryAsync(new DeliveryRecord
            {
                Id = "d-" + i.ToString(CultureInfo.InvariantCulture),
                WebhookId = i % 2 == 0 ? "w-1" : "w-2",
                Event = "job_failed",
                JobId = "job",
                Status = i == 4 ? "failed" : "delivered",
                Attempts = i + 1,
                StatusCode = 200,
                CreatedAt = T0.AddSeconds(i),
                CompletedAt = T0.AddSeconds(i + 1),
            }, None);
        }

        Assert.Equal(["d-4", "d-3", "d-2", "d-1", "d-0"], (await Storage.Notifications.ListDeliveriesAsync(null, 0, 10, None)).Select(d => d.Id));
        Assert.Equal(["d-2", "d-0"], (await Storage.Notifications.ListDeliveriesAsync("w-1", 1, 10, None)).Select(d => d.Id));
        var latest = (await Storage.Notifications.ListDeliveriesAsync(null, 0, 1, None)).Single();
        Assert.Equal("failed", latest.Status);
        Assert.Equal(5, latest.Attempts);

        Assert.True(await Storage.Notifications.DeleteWebhookAsync("w-1", None));
        Assert.False(await Storage.Notifications.DeleteWebhookAsync("w-1", None));
        Assert.Null(await Storage.Notifications.GetWebhookAsync("w-1", None));
    }

    [Fact]
    public async Task Audit_RoundTripsEveryField_NewestFirst_FiltersPagesCounts_AndSurvivesRestart()
    {
        var rich = new AuditRecord
        {
            Id = "a-rich",
            At = T0.AddTicks(1_234_567),
            Actor = "admin@example.com",
            Client = "::ffff:192.0.2.7",
            Action = AuditAction.JobCreated,
            Target = "job-⚽",
            Details = new Dictionary<string, string> { ["command"] = "predict", ["parameters"] = "{\"weeks_ahead\":3}", ["note"] = "Ødegaard \"quoted\"" },
        };
        await Storage.Audit.AppendAsync(rich, None);
        for (var i = 0; i < 6; i++)
        {
            await Storage.Audit.AppendAsync(new AuditRecord
            {
                Id = "a-" + i.ToString(CultureInfo.InvariantCulture),
                // Two entries per instant: the later appended lists first.
                At = T0.AddMinutes(1 + (i / 2)),
                Actor = i % 3 == 0 ? "anonymous" : "admin@example.com",
                Client = "127.0.0.1",
                Action = i % 2 == 0 ? AuditAction.SecretSet : AuditAction.LoginFailed,
            }, None);
        }

        var all = await Storage.Audit.ListAsync(new AuditQuery(Limit: 100), None);
        Assert.Equal(["a-5", "a-4", "a-3", "a-2", "a-1", "a-0", "a-rich"], all.Select(e => e.Id));
        var read = all[^1];
        Assert.Equal(rich.At, read.At);
        Assert.Equal(rich.Actor, read.Actor);
        Assert.Equal(rich.Client, read.Client);
        Assert.Equal(AuditAction.JobCreated, read.Action);
        Assert.Equal("job-⚽", read.Target);
        Assert.Equal(rich.Details.OrderBy(d => d.Key), read.Details.OrderBy(d => d.Key));
        Assert.Empty(all[0].Details);
        Assert.Equal(string.Empty, all[0].Target);

        Assert.Equal(["a-5", "a-3", "a-1"], (await Storage.Audit.ListAsync(new AuditQuery(AuditAction.LoginFailed), None)).Select(e => e.Id));
        Assert.Equal(["a-3", "a-0"], (await Storage.Audit.ListAsync(new AuditQuery(Actor: "anonymous"), None)).Select(e => e.Id));
        Assert.Equal(["a-3"], (await Storage.Audit.ListAsync(new AuditQuery(AuditAction.LoginFailed, "anonymous"), None)).Select(e => e.Id));
        Assert.Equal(["a-3", "a-2"], (await Storage.Audit.ListAsync(new AuditQuery(Skip: 2, Limit: 2), None)).Select(e => e.Id));
        Assert.Equal(7, await Storage.Audit.CountAsync(new AuditQuery(Skip: 5, Limit: 1), None));
        Assert.Equal(3, await Storage.Audit.CountAsync(new AuditQuery(AuditAction.SecretSet), None));
        Assert.Equal(0, await Storage.Audit.CountAsync(new AuditQuery(AuditAction.BackupRestored), None));

        var reopened = await ReopenAsync();
        await reopened.InitializeAsync(None);
        Assert.Equal(7, await reopened.Audit.CountAsync(new AuditQuery(), None));
        Assert.Equal("a-5", (await reopened.Audit.ListAsync(new AuditQuery(Limit: 1), None)).Single().Id);
    }

    [Fact]
    public async Task Audit_SameIdTwice_IsRefused()
    {
        var entry = new AuditRecord { Id = "a-1", At = T0, Actor = "system", Client = "local", Action = AuditAction.SecretCleared };
        await Storage.Audit.AppendAsync(entry, None);

        await Assert.ThrowsAnyAsync<Exception>(() => Storage.Audit.AppendAsync(entry with { Target = "other" }, None));

        Assert.Equal(string.Empty, (await Storage.Audit.ListAsync(new AuditQuery(), None)).Single().Target);
    }

    [Fact]
    public async Task Notifications_ADeliveryWrittenAgainWithItsId_ReplacesTheRetryingOne()
    {
        var retrying = new DeliveryRecord { Id = "d-1", WebhookId = "w-1", Event = "job_failed", Status = "retrying", Attempts = 1, StatusCode = 500, CreatedAt = T0, NextAttemptAt = T0.AddSeconds(5) };
        await Storage.Notifications.AddDeliveryAsync(retrying, None);
        await Storage.Notifications.AddDeliveryAsync(retrying with { Id = "d-2", CreatedAt = T0.AddSeconds(1) }, None);
        Assert.Equal(T0.AddSeconds(5), (await Storage.Notifications.ListDeliveriesAsync("w-1", 1, 1, None)).Single().NextAttemptAt);

        await Storage.Notifications.AddDeliveryAsync(retrying with { Status = "delivered", Attempts = 2, StatusCode = 200, NextAttemptAt = null, CompletedAt = T0.AddSeconds(6) }, None);

        var all = await Storage.Notifications.ListDeliveriesAsync(null, 0, 10, None);
        Assert.Equal(["d-2", "d-1"], all.Select(d => d.Id));
        Assert.Equal(("delivered", 2, (DateTimeOffset?)null), (all[1].Status, all[1].Attempts, all[1].NextAttemptAt));
    }

    protected static string Text(long seq) => "line " + seq.ToString(CultureInfo.InvariantCulture);

    protected static LogLine Line(long seq) => new(seq, T0.AddMilliseconds(seq), LogSource.Stdout, Text(seq));
}
