using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Sqlite;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Integration.Schedules;

/// <summary>The scheduler's policy on the embedded store, with fake time, fake deadlines and a fake engine.</summary>
public sealed class ScheduleServiceTests : IAsyncLifetime, IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 9, 10, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly FakeDeadlines _deadlines = new();
    private readonly FakeJobs _jobs = new();
    private readonly List<ScheduleRunFinished> _finished = [];
    private SqliteStorage _storage = null!;
    private ScheduleService _service = null!;

    public async Task InitializeAsync()
    {
        _storage = new SqliteStorage(_dir.File("airsenalops.db"));
        await _storage.InitializeAsync(None);
        _service = NewService(_storage);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private ScheduleService NewService(SqliteStorage storage)
    {
        var service = new ScheduleService(
            storage, _jobs, new CommandCatalogue(AirsenalCommands.Peer), _deadlines,
            Options.Create(new ScheduleOptions { GraceSeconds = 120 }), _time,
            new AirsenalOps.Core.Audit.AuditLog(storage.Audit, _time, NullLogger<AirsenalOps.Core.Audit.AuditLog>.Instance), NullLogger<ScheduleService>.Instance);
        service.RunFinished += (_, e) => _finished.Add(e);
        return service;
    }

    private Task<ScheduleRecord> CreateBeforeDeadlineAsync(int minutes = -360, string? target = null) =>
        _service.CreateAsync(new ScheduleInput(Name: "before deadline", Target: target, Command: target is null ? "update_db" : null, DeadlineOffsetMinutes: minutes), None);

    private async Task<ScheduleRecord> TickAndGetAsync(string id)
    {
        await _service.TickAsync(None);
        return (await _service.GetAsync(id, None))!;
    }

    [Fact]
    public async Task OnTime_RunStartsOnce_AndNextRunMovesToTheNextDeadline()
    {
        _deadlines.Set(T0.AddHours(10), T0.AddDays(7));
        var schedule = await CreateBeforeDeadlineAsync();
        Assert.Equal(T0.AddHours(4), schedule.NextRunAt);

        _time.Advance(TimeSpan.FromHours(3));
        Assert.Null((await TickAndGetAsync(schedule.Id)).Active);
        Assert.Empty(_jobs.Started);

        _time.Advance(TimeSpan.FromHours(1));
        var ran = await TickAndGetAsync(schedule.Id);
        await _service.TickAsync(None);

        Assert.Equal("update_db", Assert.Single(_jobs.Started).Command);
        Assert.Equal("running", ran.Active!.Outcome);
        Assert.Null(ran.Active.Detail);
        Assert.Equal(T0.AddHours(4), ran.LastDueAt);
        Assert.Equal(T0.AddDays(7).AddHours(-6), ran.NextRunAt);
    }

    [Fact]
    public async Task MissedRun_StillBeforeTheDeadline_RunsOnceAtStart()
    {
        _deadlines.Set(T0.AddHours(10));
        var schedule = await CreateBeforeDeadlineAsync();

        // The console was down from T0+1h to T0+7h: the run was due at T0+4h, the deadline is at T0+10h.
        _time.Advance(TimeSpan.FromHours(7));
        var restarted = NewService(_storage);
        await restarted.TickAsync(None);
        await restarted.TickAsync(None);

        var after = (await restarted.GetAsync(schedule.Id, None))!;
        Assert.Single(_jobs.Started);
        Assert.Contains("Started late", after.Active!.Detail, StringComparison.Ordinal);
        Assert.Equal(T0.AddHours(4), after.Active.DueAt);
    }

    [Fact]
    public async Task MissedRun_AfterTheDeadline_IsRecordedAsMissed_AndNothingRuns()
    {
        _deadlines.Set(T0.AddHours(10), T0.AddDays(7));
        var schedule = await CreateBeforeDeadlineAsync();

        _time.Advance(TimeSpan.FromHours(11));
        var after = await TickAndGetAsync(schedule.Id);

        Assert.Empty(_jobs.Started);
        Assert.Null(after.Active);
        var missed = Assert.Single(after.History);
        Assert.Equal("missed", missed.Outcome);
        Assert.Equal(T0.AddHours(4), missed.DueAt);
        Assert.Contains("deadline", missed.Detail, StringComparison.Ordinal);
        Assert.Equal(T0.AddDays(7).AddHours(-6), after.NextRunAt);
        Assert.Empty(_finished);
    }

    [Fact]
    public async Task SeveralMissedCronRuns_WithNoDeadlineKnown_RunOnlyOnce()
    {
        var schedule = await _service.CreateAsync(new ScheduleInput(Command: "predict", Cron: "0 * * * *"), None);

        _time.Advance(TimeSpan.FromHours(5.5));
        var after = await TickAndGetAsync(schedule.Id);

        Assert.Single(_jobs.Started);
        Assert.Equal(T0.AddHours(5), after.LastDueAt);
        Assert.Contains("4 earlier occurrence(s)", after.Active!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StillRunning_NextOccurrenceIsSkipped_NeverASecondCopy()
    {
        var schedule = await _service.CreateAsync(new ScheduleInput(Target: "weekly_chain", Cron: "*/10 * * * *"), None);
        _time.Advance(TimeSpan.FromMinutes(10));
        await _service.TickAsync(None);
        Assert.Single(_jobs.Started);

        _time.Advance(TimeSpan.FromMinutes(10));
        var after = await TickAndGetAsync(schedule.Id);
        var manual = await _service.RunNowAsync(schedule.Id, None);

        Assert.Single(_jobs.Started);
        Assert.Equal("skipped", after.History[0].Outcome);
        Assert.NotNull(after.Active);
        Assert.Equal("The schedule's previous run is still running.", manual.Refused);
    }

    [Fact]
    public async Task Chain_RunsStepsInOrder_AndStopsAtAFailedStep()
    {
        var schedule = await _service.CreateAsync(new ScheduleInput(Target: "weekly_chain", Cron: "0 0 1 1 *", Parameters: new JsonObject { ["predict"] = new JsonObject { ["weeks_ahead"] = 2 } }), None);
        Assert.NotNull((await _service.RunNowAsync(schedule.Id, None)).Schedule);
        Assert.Equal(["update_db"], _jobs.Started.Select(j => j.Command));

        await _service.TickAsync(None);
        Assert.Single(_jobs.Started);

        _jobs.Finish(0, JobStatus.Completed);
        await _service.TickAsync(None);
        Assert.Equal(["update_db", "predict"], _jobs.Started.Select(j => j.Command));
        Assert.Equal(2, _jobs.Started[1].Parameters["weeks_ahead"]!.GetValue<long>());

        _jobs.Finish(1, JobStatus.Failed);
        var after = await TickAndGetAsync(schedule.Id);
        await _service.TickAsync(None);

        Assert.Equal(["update_db", "predict"], _jobs.Started.Select(j => j.Command));
        Assert.Null(after.Active);
        Assert.Equal("failed", after.History[0].Outcome);
        Assert.Equal("Stopped at step predict: the job failed.", after.History[0].Detail);
        Assert.Equal("manual", after.History[0].Trigger);
        Assert.Equal("failed", Assert.Single(_finished).Run.Outcome);
    }

    [Fact]
    public async Task Chain_SurvivesARestart_AndCompletes()
    {
        var schedule = await _service.CreateAsync(new ScheduleInput(Target: "weekly_chain", Cron: "0 0 1 1 *"), None);
        await _service.RunNowAsync(schedule.Id, None);
        _jobs.Finish(0, JobStatus.Completed);

        var restarted = NewService(new SqliteStorage(_dir.File("airsenalops.db")));
        await restarted.TickAsync(None);
        _jobs.Finish(1, JobStatus.Completed);
        await restarted.TickAsync(None);
        _jobs.Finish(2, JobStatus.Completed);
        await restarted.TickAsync(None);

        var after = (await restarted.GetAsync(schedule.Id, None))!;
        Assert.Equal(["update_db", "predict", "optimize"], _jobs.Started.Select(j => j.Command));
        Assert.Equal("completed", after.History[0].Outcome);
        Assert.Equal(_jobs.Started.Select(j => j.Id), after.History[0].JobIds);
    }

    [Fact]
    public async Task DeadlineMovedByFpl_TheRunFollowsTheNewDeadline()
    {
        _deadlines.Set(T0.AddHours(10));
        var schedule = await CreateBeforeDeadlineAsync();
        _deadlines.Set(T0.AddHours(30));

        _time.Advance(TimeSpan.FromHours(5));
        var after = await TickAndGetAsync(schedule.Id);

        Assert.Empty(_jobs.Started);
        Assert.Equal(T0.AddHours(24), after.NextRunAt);
        _time.Advance(TimeSpan.FromHours(19));
        await _service.TickAsync(None);
        Assert.Single(_jobs.Started);
    }

    [Fact]
    public async Task Disabled_NeverRuns_AndReEnabling_DoesNotCatchUp()
    {
        var schedule = await _service.CreateAsync(new ScheduleInput(Command: "update_db", Cron: "0 * * * *", Enabled: false), None);
        _time.Advance(TimeSpan.FromHours(3));
        Assert.Null((await TickAndGetAsync(schedule.Id)).NextRunAt);

        var enabled = await _service.UpdateAsync(schedule.Id, new ScheduleInput(Command: "update_db", Cron: "0 * * * *", Enabled: true), None);
        await _service.TickAsync(None);

        Assert.Empty(_jobs.Started);
        Assert.Equal(T0.AddHours(4), enabled!.NextRunAt);
        Assert.Null(await _service.UpdateAsync("nope", new ScheduleInput(Command: "update_db", Cron: "0 * * * *"), None));
        Assert.True(await _service.DeleteAsync(schedule.Id, None));
        Assert.False(await _service.DeleteAsync(schedule.Id, None));
    }

    [Theory]
    [InlineData("nope", null, "0 * * * *", null, null, "Unknown command 'nope'")]
    [InlineData("predict", """{"weeks_ahead": 99}""", "0 * * * *", null, null, "weeks_ahead")]
    [InlineData("predict", """{"bogus": 1}""", "0 * * * *", null, null, "Unknown parameter 'bogus'")]
    [InlineData("predict", null, "0 25 * * *", null, null, "Invalid cron expression")]
    [InlineData("predict", null, "0 * * * *", -60, null, "not both")]
    [InlineData("predict", null, null, null, null, "not both")]
    [InlineData("predict", null, null, 20_000, null, "deadline_offset_minutes must be between")]
    [InlineData("predict", null, "0 * * * *", null, "Nowhere/Land", "Unknown time zone")]
    public async Task BadInput_IsRefusedWithAClearMessage(string command, string? parameters, string? cron, int? offset, string? zone, string expected)
    {
        var input = new ScheduleInput(Command: command, Parameters: parameters is null ? null : JsonNode.Parse(parameters)!.AsObject(), Cron: cron, DeadlineOffsetMinutes: offset, TimeZone: zone);

        var error = await Assert.ThrowsAsync<ScheduleValidationException>(() => _service.CreateAsync(input, None));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(await _service.ListAsync(None));
    }

    [Fact]
    public async Task BadChainInput_IsRefused()
    {
        await Assert.ThrowsAsync<ScheduleValidationException>(() => _service.CreateAsync(new ScheduleInput(Target: "weekly_chain", Command: "predict", Cron: "0 * * * *"), None));
        await Assert.ThrowsAsync<ScheduleValidationException>(() => _service.CreateAsync(new ScheduleInput(Target: "weekly_chain", Parameters: new JsonObject { ["setup_db"] = new JsonObject() }, Cron: "0 * * * *"), None));
        await Assert.ThrowsAsync<ScheduleValidationException>(() => _service.CreateAsync(new ScheduleInput(Target: "weekly_chain", Parameters: new JsonObject { ["predict"] = 3 }, Cron: "0 * * * *"), None));
        await Assert.ThrowsAsync<ScheduleValidationException>(() => _service.CreateAsync(new ScheduleInput(Target: "monthly", Cron: "0 * * * *"), None));
    }

    public void Dispose()
    {
        _service.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private sealed class FakeDeadlines : IDeadlineSource
    {
        private IReadOnlyList<DateTimeOffset> _deadlines = [];

        public void Set(params DateTimeOffset[] deadlines) => _deadlines = deadlines;

        public Task<IReadOnlyList<DateTimeOffset>> GetDeadlinesAsync(CancellationToken cancellationToken) => Task.FromResult(_deadlines);
    }

    private sealed record StartedJob(string Id, string Command, JsonObject Parameters);

    private sealed class FakeJobs : IScheduledJobs
    {
        private readonly Dictionary<string, JobStatus> _status = [];

        public List<StartedJob> Started { get; } = [];

        public void Finish(int index, JobStatus status) => _status[Started[index].Id] = status;

        public Task<string> StartAsync(string command, JsonObject parameters, CancellationToken cancellationToken)
        {
            var id = "job-" + (Started.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Started.Add(new StartedJob(id, command, parameters));
            _status[id] = JobStatus.Running;
            return Task.FromResult(id);
        }

        public Task<JobStatus?> GetStatusAsync(string jobId, CancellationToken cancellationToken) =>
            Task.FromResult<JobStatus?>(_status.TryGetValue(jobId, out var s) ? s : null);
    }
}
