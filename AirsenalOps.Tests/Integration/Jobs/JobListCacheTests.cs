using System.Text;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Mongo;
using AirsenalOps.Core.Storage.Sqlite;
using AirsenalOps.Tests.Support;
using AirsenalOps.Web.Api;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>The cache behind GET /api/jobs on the real stores: when it answers from memory, when it must not.</summary>
public sealed class JobListCacheTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 8, 8, 10, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(T0);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Sqlite_RepeatedListing_IsServedFromMemory_UntilThisStoreWritesAJob()
    {
        var storage = await OpenSqliteAsync();
        var cache = NewCache(storage);
        await storage.Jobs.InsertAsync(Job("a", 1), None);

        var first = await cache.GetAsync(new JobFilter(), None);
        Assert.Same(first, await cache.GetAsync(new JobFilter(), None));
        Assert.Contains("\"command\":\"a\"", Encoding.UTF8.GetString(first), StringComparison.Ordinal);
        Assert.True(((VersionedJobStore)storage.Jobs).SeesEveryWrite);

        // The embedded store has one writer: no time limit, the entry lives until the next write.
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Same(first, await cache.GetAsync(new JobFilter(), None));

        await storage.Jobs.InsertAsync(Job("b", 2), None);
        var second = await cache.GetAsync(new JobFilter(), None);
        Assert.Contains("\"command\":\"b\"", Encoding.UTF8.GetString(second), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_AreBounded_TheOldestGoesFirst()
    {
        var storage = await OpenSqliteAsync();
        var cache = NewCache(storage);
        await storage.Jobs.InsertAsync(Job("a", 1), None);

        var firstFilter = new JobFilter(Skip: 0);
        var first = await cache.GetAsync(firstFilter, None);
        for (var skip = 1; skip < JobListCache.MaxEntries * 3; skip++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await cache.GetAsync(new JobFilter(Skip: skip), None);
            Assert.True(cache.Count <= JobListCache.MaxEntries, $"{cache.Count} entries");
        }

        Assert.Equal(JobListCache.MaxEntries, cache.Count);
        var again = await cache.GetAsync(firstFilter, None);
        Assert.NotSame(first, again);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task LargeBody_IsServedButNotKept()
    {
        var storage = await OpenSqliteAsync();
        var cache = NewCache(storage);
        var big = new string('x', JobListCache.MaxCachedBodyBytes / 2);
        for (var i = 0; i < 3; i++)
        {
            await storage.Jobs.InsertAsync(Job("big", i) with { Output = new JsonObject { ["text"] = big } }, None);
        }

        var body = await cache.GetAsync(new JobFilter(), None);

        Assert.True(body.Length > JobListCache.MaxCachedBodyBytes);
        Assert.Equal(3, JsonNode.Parse(body)!.AsArray().Count);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task StoreThatDoesNotCountItsWrites_IsNeverCached()
    {
        var inner = await OpenSqliteAsync();
        var storage = new UncountedStorage(inner);
        var cache = NewCache(storage);

        var first = await cache.GetAsync(new JobFilter(), None);
        Assert.NotSame(first, await cache.GetAsync(new JobFilter(), None));
        await storage.Jobs.InsertAsync(Job("a", 1), None);

        Assert.Contains("\"command\":\"a\"", Encoding.UTF8.GetString(await cache.GetAsync(new JobFilter(), None)), StringComparison.Ordinal);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task ReadThatStartedBeforeAWrite_NeitherServesNorReplacesTheNewerAnswer()
    {
        var inner = await OpenSqliteAsync();
        var gated = new GatedJobs(inner.Jobs);
        var storage = new UncountedStorage(inner, new VersionedJobStore(gated, seesEveryWrite: true));
        var cache = NewCache(storage);
        await storage.Jobs.InsertAsync(Job("old", 1), None);

        // The first read has the old list in hand when a job is written, and finishes after the next read.
        var slow = cache.GetAsync(new JobFilter(), None);
        await gated.Reading.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await storage.Jobs.InsertAsync(Job("new", 2), None);
        var fresh = await cache.GetAsync(new JobFilter(), None);
        gated.Release.SetResult();
        var stale = await slow;

        Assert.DoesNotContain("\"command\":\"new\"", Encoding.UTF8.GetString(stale), StringComparison.Ordinal);
        Assert.Contains("\"command\":\"new\"", Encoding.UTF8.GetString(fresh), StringComparison.Ordinal);
        Assert.Same(fresh, await cache.GetAsync(new JobFilter(), None));
    }

    private async Task<SqliteStorage> OpenSqliteAsync()
    {
        var storage = new SqliteStorage(_dir.File("airsenalops.db"));
        await storage.InitializeAsync(None);
        return storage;
    }

    internal static JobListCache NewCache(IStorage storage, TimeProvider time) => new(storage, Options.Create(new JsonOptions()), time);

    private JobListCache NewCache(IStorage storage) => NewCache(storage, _time);

    internal static JobRecord Job(string command, int minute) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Command = command,
        Status = JobStatus.Completed,
        CreatedAt = T0.AddMinutes(minute),
    };

    /// <summary>The adapter behind another job store: by default one that does not count writes, as a test double that wraps the store would be.</summary>
    private sealed class UncountedStorage(IStorage inner, IJobStore? jobs = null) : IStorage
    {
        public string Kind => inner.Kind;

        public IJobStore Jobs { get; } = jobs ?? new PassThroughJobs(inner.Jobs);

        public IJobLogStore Logs => inner.Logs;

        public ISecretStore Secrets => inner.Secrets;

        public ISchedulesStore Schedules => inner.Schedules;

        public INotificationsStore Notifications => inner.Notifications;

        public IAuditStore Audit => inner.Audit;

        public IClaimStore Claims => inner.Claims;

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        internal class PassThroughJobs(IJobStore jobs) : IJobStore
        {
            public Task InsertAsync(JobRecord job, CancellationToken cancellationToken) => jobs.InsertAsync(job, cancellationToken);

            public Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken) => jobs.GetAsync(id, cancellationToken);

            public virtual Task<IReadOnlyList<JobRecord>> ListAsync(JobFilter filter, CancellationToken cancellationToken) => jobs.ListAsync(filter, cancellationToken);

            public Task<long> CountAsync(JobFilter filter, CancellationToken cancellationToken) => jobs.CountAsync(filter, cancellationToken);

            public Task<JobRecord?> ClaimNextAsync(JobClaim claim, CancellationToken cancellationToken) => jobs.ClaimNextAsync(claim, cancellationToken);

            public Task<bool> UpdateAsync(JobRecord job, JobExpectation? expected, CancellationToken cancellationToken) => jobs.UpdateAsync(job, expected, cancellationToken);

            public Task<IReadOnlyList<FinishedJob>> ListFinishedAsync(CancellationToken cancellationToken) => jobs.ListFinishedAsync(cancellationToken);

            public Task<bool> DeleteAsync(string id, JobStatus expectedStatus, CancellationToken cancellationToken) => jobs.DeleteAsync(id, expectedStatus, cancellationToken);
        }
    }
    /// <summary>The first listing reads the store, then waits for <see cref="Release"/> before it returns.</summary>
    private sealed class GatedJobs(IJobStore jobs) : UncountedStorage.PassThroughJobs(jobs)
    {
        private int _calls;

        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<IReadOnlyList<JobRecord>> ListAsync(JobFilter filter, CancellationToken cancellationToken)
        {
            var list = await base.ListAsync(filter, cancellationToken);
            if (Interlocked.Increment(ref _calls) == 1)
            {
                Reading.SetResult();
                await Release.Task;
            }

            return list;
        }
    }
}

/// <summary>On a shared MongoDB other console instances write unseen: their jobs show within the cache's lifetime, ours at once.</summary>
[Collection(MongoServerGroup.Name)]
public sealed class MongoJobListCacheTests(MongoTestServer server) : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _database = server.NewDatabaseName(nameof(MongoJobListCacheTests));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    public Task InitializeAsync() => new MongoStorage(server.ConnectionString, _database).InitializeAsync(None);

    public Task DisposeAsync() => new MongoDB.Driver.MongoClient(server.ConnectionString).DropDatabaseAsync(_database);

    [Fact]
    public async Task AnotherInstancesWrite_ShowsWithinTheLifetime_OurOwnWritesAtOnce()
    {
        var ours = new MongoStorage(server.ConnectionString, _database);
        var theirs = new MongoStorage(server.ConnectionString, _database);
        var cache = JobListCacheTests.NewCache(ours, _time);
        Assert.False(((VersionedJobStore)ours.Jobs).SeesEveryWrite);
        await ours.Jobs.InsertAsync(JobListCacheTests.Job("ours", 1), None);
        Assert.Single(await ListAsync(cache));

        await theirs.Jobs.InsertAsync(JobListCacheTests.Job("theirs", 2), None);
        _time.Advance(JobListCache.SharedStoreLifetime - TimeSpan.FromMilliseconds(1));
        // Still the cached answer: the other instance's write is not counted here.
        Assert.Equal(["ours"], await ListAsync(cache));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["theirs", "ours"], await ListAsync(cache));

        await ours.Jobs.InsertAsync(JobListCacheTests.Job("ours again", 3), None);
        Assert.Equal(["ours again", "theirs", "ours"], await ListAsync(cache));
    }

    private static async Task<List<string>> ListAsync(JobListCache cache) =>
        [.. JsonNode.Parse(await cache.GetAsync(new JobFilter(), None))!.AsArray().Select(j => j!["command"]!.GetValue<string>())];
}
