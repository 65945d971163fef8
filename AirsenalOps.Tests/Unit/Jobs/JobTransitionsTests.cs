using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Unit.Jobs;

/// <summary>Every change of a job's state, decided without storage: what each transition writes or refuses.</summary>
public sealed class JobTransitionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 8, 8, 10, 0, 0, TimeSpan.Zero);
    private static readonly JobOptions Options = new() { JobRetryDelaySeconds = 60, JobRetryMaxDelaySeconds = 3600 };

    private static JobRecord Job(JobStatus status, int retryCount = 0, int maxRetries = 2, DateTimeOffset? nextAttemptAt = null) => new()
    {
        Id = "j1",
        Command = "ok",
        Status = status,
        CreatedAt = Now.AddMinutes(-10),
        StartedAt = Now.AddMinutes(-5),
        RetryCount = retryCount,
        MaxRetries = maxRetries,
        NextAttemptAt = nextAttemptAt,
        ProcessGroupId = status == JobStatus.Running ? 4242 : null,
        Owner = status == JobStatus.Running ? "me" : null,
        Progress = 40,
    };

    private static AttemptOutcome Outcome(AttemptKind kind, string? error = "Exited with code 1.", bool retryable = true) =>
        new(kind, 1, Now.AddMinutes(-5), Now, kind == AttemptKind.Succeeded ? 0 : 1, error, retryable, new JsonOutcome(null, "a hint"));

    [Fact]
    public void Finish_Success_CompletesAtFullProgress_AndClearsTheProcess()
    {
        var next = Write(JobTransitions.Finish(Job(JobStatus.Running), Outcome(AttemptKind.Succeeded, null), retrySafe: true, Options, 0.5, Now), out var note);

        Assert.Equal(JobStatus.Completed, next.Status);
        Assert.Equal(100, next.Progress);
        Assert.Equal(Now, next.CompletedAt);
        Assert.Null(next.ProcessGroupId);
        Assert.Null(next.Owner);
        Assert.Equal("a hint", next.Hint);
        Assert.Equal("completed", Assert.Single(next.Attempts).Outcome);
        Assert.Null(note);
    }

    [Fact]
    public void Finish_RetryableFailure_WaitsTheBackoff_AndSaysSo()
    {
        var next = Write(JobTransitions.Finish(Job(JobStatus.Running), Outcome(AttemptKind.Failed), retrySafe: true, Options, 0.5, Now), out var note);

        Assert.Equal(JobStatus.Pending, next.Status);
        Assert.Equal(1, next.RetryCount);
        Assert.Equal(Now + RetryPolicy.Delay(Options, 1, 0.5), next.NextAttemptAt);
        Assert.Equal("Exited with code 1.", next.Error);
        Assert.True(JobDisplay.IsWaitingRetry(next));
        Assert.Equal("Retry 1 of 2 in 60 s.", note);
    }

    [Fact]
    public void Finish_Interrupted_RetriesAtOnce()
    {
        var next = Write(JobTransitions.Finish(Job(JobStatus.Running), Outcome(AttemptKind.Interrupted, JobTransitions.InterruptedError), retrySafe: true, Options, 0.5, Now), out _);

        Assert.Equal(JobStatus.Pending, next.Status);
        Assert.Equal(Now, next.NextAttemptAt);
        Assert.Equal("interrupted", next.Attempts[0].Outcome);
    }

    [Theory]
    [InlineData(2, 2, true, true, "Failed after 3 attempts.")]
    [InlineData(0, 2, false, true, null)]
    [InlineData(0, 2, true, false, null)]
    public void Finish_FailureThatMayNotBeRetried_Fails(int retryCount, int maxRetries, bool retrySafe, bool retryable, string? expectedNote)
    {
        var next = Write(JobTransitions.Finish(Job(JobStatus.Running, retryCount, maxRetries), Outcome(AttemptKind.Failed, retryable: retryable), retrySafe, Options, 0.5, Now), out var note);

        Assert.Equal(JobStatus.Failed, next.Status);
        Assert.Equal(Now, next.CompletedAt);
        Assert.Equal(expectedNote, note);
    }

    [Fact]
    public void Finish_WhileCancelling_TheCancelWinsOverASuccess()
    {
        var next = Write(JobTransitions.Finish(Job(JobStatus.Cancelling), Outcome(AttemptKind.Succeeded, null), retrySafe: true, Options, 0.5, Now), out _);

        Assert.Equal(JobStatus.Cancelled, next.Status);
        Assert.Equal(JobTransitions.CancelledByUser, next.Error);
    }

    [Theory]
    [InlineData(JobStatus.Pending)]
    [InlineData(JobStatus.Completed)]
    [InlineData(JobStatus.Cancelled)]
    public void Finish_OfAJobNoLongerRunning_ChangesNothing(JobStatus status) =>
        Assert.Same(JobTransition.Unchanged, JobTransitions.Finish(Job(status), Outcome(AttemptKind.Failed), true, Options, 0.5, Now));

    [Fact]
    public void Recover_Running_IsRetriedAtOnce_OrFailedWhenOutOfRetries_AndCancellingIsCancelled()
    {
        var retried = Write(JobTransitions.Recover(Job(JobStatus.Running), retrySafe: true, Options, Now), out _);
        Assert.Equal(JobStatus.Pending, retried.Status);
        Assert.Equal(Now, retried.NextAttemptAt);
        Assert.Equal(JobTransitions.InterruptedError, retried.Error);
        Assert.Equal(("interrupted", Now.AddMinutes(-5)), (retried.Attempts[0].Outcome, retried.Attempts[0].StartedAt));

        var failed = Write(JobTransitions.Recover(Job(JobStatus.Running, maxRetries: 0), retrySafe: true, Options, Now), out _);
        Assert.Equal(JobStatus.Failed, failed.Status);

        var notSafe = Write(JobTransitions.Recover(Job(JobStatus.Running), retrySafe: false, Options, Now), out _);
        Assert.Equal(JobStatus.Failed, notSafe.Status);

        var cancelled = Write(JobTransitions.Recover(Job(JobStatus.Cancelling), retrySafe: true, Options, Now), out _);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Equal(JobTransitions.CancelledByUser, cancelled.Error);
        Assert.Equal(("cancelled", JobTransitions.InterruptedError), (cancelled.Attempts[0].Outcome, cancelled.Attempts[0].Error));
    }

    [Fact]
    public void Cancel_PendingAtOnce_RunningByStopping_TwiceIsHarmless_FinishedIsRefused()
    {
        var cancelled = Write(JobTransitions.Cancel(Job(JobStatus.Pending, 1, 2, Now.AddMinutes(1)), Now), out _);
        Assert.Equal((JobStatus.Cancelled, (DateTimeOffset?)null, JobTransitions.CancelledByUser), (cancelled.Status, cancelled.NextAttemptAt, cancelled.Error));

        Assert.Equal(JobStatus.Cancelling, Write(JobTransitions.Cancel(Job(JobStatus.Running), Now), out _).Status);
        Assert.Same(JobTransition.Unchanged, JobTransitions.Cancel(Job(JobStatus.Cancelling), Now));
        Assert.Equal("Job cannot be cancelled: it is already completed.", JobTransitions.Cancel(Job(JobStatus.Completed), Now).Refusal);
    }

    [Fact]
    public void RetryNow_SkipsAWaitingRetry_RequeuesAFailedJob_AndRefusesTheRest()
    {
        var skipped = Write(JobTransitions.RetryNow(Job(JobStatus.Pending, 1, 2, Now.AddMinutes(5))), out _);
        Assert.Equal((JobStatus.Pending, (DateTimeOffset?)null, 1), (skipped.Status, skipped.NextAttemptAt, skipped.RetryCount));

        var requeued = Write(JobTransitions.RetryNow(Job(JobStatus.Failed, retryCount: 2, maxRetries: 2)), out _);
        Assert.Equal((JobStatus.Pending, 3, 3), (requeued.Status, requeued.RetryCount, requeued.MaxRetries));

        Assert.Equal("Job is already queued to run.", JobTransitions.RetryNow(Job(JobStatus.Pending)).Refusal);
        Assert.Equal("Job cannot be retried: it is running.", JobTransitions.RetryNow(Job(JobStatus.Running)).Refusal);
    }

    [Fact]
    public void GiveUp_OnlyAWaitingRetry_FailsWithItsLastError()
    {
        var waiting = Job(JobStatus.Pending, 1, 2, Now.AddMinutes(5)) with { Error = "boom", Attempts = [new JobAttempt(1, Now, Now, 1, "failed", "boom")] };
        var failed = Write(JobTransitions.GiveUp(waiting, Now), out _);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("Gave up after 1 attempt(s). Last error: boom", failed.Error);
        Assert.Equal(JobTransitionKind.Refused, JobTransitions.GiveUp(Job(JobStatus.Failed), Now).Kind);
    }

    [Theory]
    [InlineData(JobStatus.Pending, null, true, false, false, true)]
    [InlineData(JobStatus.Running, null, true, false, false, false)]
    [InlineData(JobStatus.Cancelling, null, false, false, false, false)]
    [InlineData(JobStatus.Failed, null, false, true, false, true)]
    [InlineData(JobStatus.Cancelled, null, false, true, false, true)]
    [InlineData(JobStatus.Completed, null, false, false, false, true)]
    [InlineData(JobStatus.Pending, 5, true, true, true, true)]
    public void TheActionsThatApply_AreTheOnesTheTransitionsAccept(JobStatus status, int? waitMinutes, bool cancel, bool retry, bool giveUp, bool deleteLogs)
    {
        var job = Job(status, retryCount: waitMinutes is null ? 0 : 1, nextAttemptAt: waitMinutes is { } m ? Now.AddMinutes(m) : null);

        Assert.Equal((cancel, retry, giveUp, deleteLogs), (JobTransitions.CanCancel(job), JobTransitions.CanRetryNow(job), JobTransitions.CanGiveUp(job), JobTransitions.CanDeleteLogs(job)));
        // A check that says yes is a transition that writes (or, for a cancel under way, accepts without writing).
        Assert.Equal(cancel, JobTransitions.Cancel(job, Now).Kind == JobTransitionKind.Write);
        Assert.Equal(retry, JobTransitions.RetryNow(job).Kind == JobTransitionKind.Write);
        Assert.Equal(giveUp, JobTransitions.GiveUp(job, Now).Kind == JobTransitionKind.Write);
    }

    [Fact]
    public void Start_RecordsTheGroup_ButNotForAFinishedJob()
    {
        var started = Write(JobTransitions.Start(Job(JobStatus.Running) with { Eta = Now }, 77, "ok --x"), out _);
        Assert.Equal((77, "ok --x", (double?)null, (DateTimeOffset?)null), (started.ProcessGroupId, started.CommandLine, started.Progress, started.Eta));
        Assert.Equal(JobTransitionKind.Refused, JobTransitions.Start(Job(JobStatus.Cancelled), 77, "ok").Kind);
    }

    [Fact]
    public void Progress_IsClampedAndOnlyForARunningJob()
    {
        var next = Write(JobTransitions.Progress(Job(JobStatus.Running), new JobProgress(140, TimeSpan.FromMinutes(2)), Now), out _);
        Assert.Equal((100d, Now.AddMinutes(2)), (next.Progress!.Value, next.Eta!.Value));
        Assert.Same(JobTransition.Unchanged, JobTransitions.Progress(Job(JobStatus.Cancelling), new JobProgress(50), Now));
    }

    [Theory]
    [InlineData(FailureKind.Unexplained, true)]
    [InlineData(FailureKind.Transient, true)]
    [InlineData(FailureKind.Code, false)]
    [InlineData(FailureKind.MissingSecret, false)]
    [InlineData(FailureKind.Configuration, false)]
    [InlineData(FailureKind.NoOp, false)]
    public void RetryRule_RetriesOnlyWhatMayPass_AndSaysWhyTheRestRecurs(FailureKind kind, bool retried)
    {
        var cause = new FailureCause(kind, "the line");
        var (error, retryable, recurs) = JobConclusion.From(cause);
        var next = Write(JobTransitions.Finish(Job(JobStatus.Running), Outcome(AttemptKind.Failed, error, retryable) with { Conclusion = new JsonOutcome(null, null, recurs) }, retrySafe: true, Options, 0.5, Now), out var note);

        Assert.Equal("the line", next.Error);
        Assert.Equal(retried ? JobStatus.Pending : JobStatus.Failed, next.Status);
        Assert.Equal(retried ? null : FailureRule.Reason(kind), next.WillRecur);
        Assert.Equal(retried ? "Retry 1 of 2 in 60 s." : $"Not retried: the error will recur: {FailureRule.Reason(kind)}.", note);
    }

    [Theory]
    [InlineData("KeyError: 'element_type'", FailureKind.Code)]
    [InlineData("ValueError: FPL_TEAM_ID and FPL_LEAGUE_ID must be valid integers if set.", FailureKind.Code)]
    [InlineData("sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such column: player.display_name", FailureKind.Code)]
    [InlineData("sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked", FailureKind.Transient)]
    [InlineData("requests.exceptions.ConnectionError: ('Connection aborted.', RemoteDisconnected('Remote end closed connection'))", FailureKind.Transient)]
    [InlineData("requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://x/", FailureKind.Transient)]
    [InlineData("requests.exceptions.HTTPError: 404 Client Error: Not Found for url: https://x/", FailureKind.Code)]
    [InlineData("json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)", FailureKind.Transient)]
    [InlineData("KeyboardInterrupt", FailureKind.Transient)]
    public void RetryRule_TellsAnExceptionLine_FromData_AndFromTheNetwork(string line, FailureKind kind) =>
        Assert.Equal(kind, FailureRule.FromException(line).Kind);

    private static JobRecord Write(JobTransition transition, out string? note)
    {
        Assert.Equal(JobTransitionKind.Write, transition.Kind);
        note = transition.Note;
        return transition.Next!;
    }
}
