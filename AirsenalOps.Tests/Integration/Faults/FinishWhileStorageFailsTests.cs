using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Integration.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Faults;

/// <summary>The store fails just as a job ends: the job's end is written once it answers again, never left "running".</summary>
public sealed class FinishWhileStorageFailsTests
{
    /// <summary>40 lines at 20 a second.</summary>
    private static readonly JobCommand ShortTicker = new()
    {
        Name = "short_ticker",
        Description = "test: a few ticks",
        Executable = "fake_job",
        FixedArguments = ["ticks", "--rate", "20", "--count", "40"],
        IdleTimeout = TimeSpan.FromMinutes(5),
    };

    [Fact]
    public async Task JobStoreDownWhenTheJobEnds_JobStaysOnTheEngine_AndCompletesWhenTheStoreIsBack()
    {
        FlakyStorage? flaky = null;
        using var factory = new JobsFactory(null, services =>
        {
            services.AddJobCommand(ShortTicker);
            var original = services.Last(d => d.ServiceType == typeof(IStorage));
            services.Remove(original);
            services.AddSingleton<IStorage>(sp => flaky = new FlakyStorage((IStorage)original.ImplementationFactory!(sp)));
        });
        var engine = factory.Services.GetRequiredService<JobEngine>();
        var job = await factory.Jobs.CreateAsync(ShortTicker.Name, null, CancellationToken.None);
        await ConsoleKillTests.WaitUntilAsync(async () => (await flaky!.Logs.ReadAsync(job.Id, 0, 1000, CancellationToken.None)).Any(l => l.Text == "tick 5"));

        flaky!.Down = true;
        // The process ends and its last line is stored (the log store still works); the job's end cannot be written.
        await ConsoleKillTests.WaitUntilAsync(async () => (await flaky.Logs.ReadAsync(job.Id, 0, 1000, CancellationToken.None)).Any(l => l.Text.StartsWith("Finished in", StringComparison.Ordinal)));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(JobStatus.Running, (await flaky.Inner.Jobs.GetAsync(job.Id, CancellationToken.None))!.Status);
        Assert.Contains(job.Id, engine.RunningJobIds);

        flaky.Down = false;
        var done = await factory.WaitForFinishAsync(job.Id, seconds: 60);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.DoesNotContain(job.Id, engine.RunningJobIds);
    }

    /// <summary>The real store, except that job documents cannot be read or written while <see cref="Down"/>.</summary>
    private sealed class FlakyStorage : IStorage
    {
        private volatile bool _down;

        public FlakyStorage(IStorage inner)
        {
            Inner = inner;
            Jobs = new FlakyJobStore(this);
        }

        public IStorage Inner { get; }

        public bool Down
        {
            get => _down;
            set => _down = value;
        }

        public string Kind => Inner.Kind;

        public IJobStore Jobs { get; }

        public IJobLogStore Logs => Inner.Logs;

        public ISecretStore Secrets => Inner.Secrets;

        public ISchedulesStore Schedules => Inner.Schedules;

        public INotificationsStore Notifications => Inner.Notifications;

        public IAuditStore Audit => Inner.Audit;

        public IClaimStore Claims => Inner.Claims;

        public Task InitializeAsync(CancellationToken cancellationToken) => Inner.InitializeAsync(cancellationToken);

        public Task PingAsync(CancellationToken cancellationToken)
        {
            ThrowIfDown();
            return Inner.PingAsync(cancellationToken);
        }

        public void ThrowIfDown()
        {
            if (_down)
            {
                throw new IOException("The job store is down (test).");
            }
        }
    }

    private sealed class FlakyJobStore(FlakyStorage storage) : IJobStore
    {
        private IJobStore Inner => storage.Inner.Jobs;

        public Task InsertAsync(JobRecord job, CancellationToken cancellationToken)
        {
            storage.ThrowIfDown();
            return Inner.InsertAsync(job, cancellationToken);
        }

        public Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken)
        {
            storage.ThrowIfDown();
            return Inner.GetAsync(id, cancellationToken);
        }

        public Task<IReadOnlyList<JobRecord>> ListAsync(JobFilter filter, CancellationToken cancellationToken)
        {
            storage.ThrowIfDown();
            return Inner.ListAsync(filter, cancellationToken);
        }

        public Task<long> CountAsync(JobFilter filter, CancellationToken cancellationToken)
        {
            storage.ThrowIfDown();
            return Inner.CountAsync(filter, cancellationToken);
        }

        public Task<JobRecord?> ClaimNextAsync(JobClaim claim, CancellationToken cancellationToken)
        {
            storage.ThrowIfDown();
            return Inner.ClaimNextAsync(claim, cancellationToken);
        }

        public Task<IReadOnlyList<FinishedJob>> ListFinishedAsync(CancellationToken cancellationToken)
        {
            storage.ThrowIfDown();
            return Inner.ListFinishedAsync(cancellationToken);
        }

        public Task<bool> DeleteAsync(string id, JobStatus expectedStatus, CancellationToken cancellationToken)
        {
            storage.ThrowIfDown();
            return Inner.DeleteAsync(id, expectedStatus, cancellationToken);
        }

        public Task<bool> UpdateAsync(JobRecord job, JobExpectation? expected, CancellationToken cancellationToken)
        {
            storage.ThrowIfDown();
            return Inner.UpdateAsync(job, expected, cancellationToken);
        }
    }
}
