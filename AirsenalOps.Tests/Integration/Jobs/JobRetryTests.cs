using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>Retry timing on a fake clock: the process runs for real, the waits are virtual.</summary>
public sealed class JobRetryTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 8, 8, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly JobsFactory _factory;

    public JobRetryTests()
    {
        _factory = new JobsFactory(
            new Dictionary<string, string?> { ["MAX_JOB_RETRIES"] = "2", ["JOB_RETRY_DELAY_SECONDS"] = "10" },
            services => services.AddSingleton<TimeProvider>(_clock));
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task FailedJob_RetriesAfterBaseDelayTimesTwoToTheAttempt_ThenFails()
    {
        var job = await _factory.Jobs.CreateAsync("fail", null, CancellationToken.None);

        var waiting = await _factory.WaitForJobAsync(job.Id, j => j.RetryCount == 1 && j.Status == JobStatus.Pending);
        Assert.Equal("retrying", JobDisplay.Status(waiting));
        AssertAround(Start.AddSeconds(10), waiting.NextAttemptAt);
        Assert.Equal("failed", Assert.Single(waiting.Attempts).Outcome);
        Assert.Equal("Exited with code 1.", waiting.Error);

        // Not due yet: the retry must not start.
        _clock.Advance(TimeSpan.FromSeconds(8));
        await Task.Delay(1000);
        Assert.Single((await _factory.Jobs.GetAsync(job.Id, CancellationToken.None))!.Attempts);

        _clock.Advance(TimeSpan.FromSeconds(3.5));
        var second = await _factory.WaitForJobAsync(job.Id, j => j.RetryCount == 2 && j.Status == JobStatus.Pending);
        Assert.Equal(2, second.Attempts.Count);
        AssertAround(_clock.GetUtcNow().AddSeconds(20), second.NextAttemptAt);

        _clock.Advance(TimeSpan.FromSeconds(23));
        var failed = await _factory.WaitForFinishAsync(job.Id);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(3, failed.Attempts.Count);
        Assert.Null(failed.NextAttemptAt);
        var lines = await _factory.AllLinesAsync(job.Id);
        Assert.Contains(lines, l => l.Text.StartsWith("Retry 1 of 2 in", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Text == "Failed after 3 attempts.");
    }

    [Fact]
    public async Task WaitingRetry_DoesNotBlockOtherJobs_AndRetryNowRunsItAtOnce()
    {
        var failing = await _factory.Jobs.CreateAsync("fail", null, CancellationToken.None);
        await _factory.WaitForJobAsync(failing.Id, j => j.RetryCount == 1 && j.Status == JobStatus.Pending);

        var other = await _factory.Jobs.CreateAsync("ok", null, CancellationToken.None);
        Assert.Equal(JobStatus.Completed, (await _factory.WaitForFinishAsync(other.Id)).Status);

        var retry = await _factory.Jobs.RetryNowAsync(failing.Id, CancellationToken.None);
        Assert.Equal(JobActionStatus.Done, retry.Status);
        await _factory.WaitForJobAsync(failing.Id, j => j.Attempts.Count == 2);

        var refused = await _factory.Jobs.RetryNowAsync(other.Id, CancellationToken.None);
        Assert.Equal(JobActionStatus.NotAllowed, refused.Status);
    }

    [Fact]
    public async Task GiveUp_EndsAWaitingRetryAsFailed()
    {
        var job = await _factory.Jobs.CreateAsync("fail", null, CancellationToken.None);
        await _factory.WaitForJobAsync(job.Id, j => j.RetryCount == 1 && j.Status == JobStatus.Pending);

        var result = await _factory.Jobs.GiveUpAsync(job.Id, CancellationToken.None);

        Assert.Equal(JobActionStatus.Done, result.Status);
        var failed = (await _factory.Jobs.GetAsync(job.Id, CancellationToken.None))!;
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.StartsWith("Gave up after 1 attempt(s).", failed.Error, StringComparison.Ordinal);
        Assert.Equal(JobActionStatus.NotAllowed, (await _factory.Jobs.GiveUpAsync(job.Id, CancellationToken.None)).Status);

        // A failed job can be run again by hand.
        Assert.Equal(JobActionStatus.Done, (await _factory.Jobs.RetryNowAsync(job.Id, CancellationToken.None)).Status);
        await _factory.WaitForJobAsync(job.Id, j => j.Attempts.Count == 2);
    }

    private static void AssertAround(DateTimeOffset expected, DateTimeOffset? actual)
    {
        Assert.NotNull(actual);
        var tolerance = (expected - Start).TotalSeconds * RetryPolicy.Jitter + 0.01;
        Assert.InRange((actual.Value - expected).TotalSeconds, -Math.Max(tolerance, 2.5), Math.Max(tolerance, 2.5));
    }
}
