using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>Real processes through the whole engine: output capture, hooks, environment, masking.</summary>
public sealed class JobRunnerTests : IDisposable
{
    private readonly JobsFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task HundredThousandLines_AreStoredInOrderWithNothingLost()
    {
        var job = await _factory.Jobs.CreateAsync("lines", new JsonObject { ["count"] = 100_000 }, CancellationToken.None);

        var done = await _factory.WaitForFinishAsync(job.Id, seconds: 120);

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(0, done.ExitCode);
        var lines = await _factory.AllLinesAsync(job.Id);
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => (long)i), lines.Select(l => l.Seq));
        var output = lines.Where(l => l.Source == LogSource.Stdout).Select(l => l.Text).ToList();
        Assert.Equal(Enumerable.Range(1, 100_000).Select(i => $"line {i}"), output);
    }

    [Fact]
    public async Task ProgressBarRedrawnWithCarriageReturns_IsStoredOnceInItsFinalState()
    {
        var job = await _factory.Jobs.CreateAsync("progress", new JsonObject { ["count"] = 50 }, CancellationToken.None);

        var done = await _factory.WaitForFinishAsync(job.Id);

        Assert.Equal(JobStatus.Completed, done.Status);
        var lines = await _factory.AllLinesAsync(job.Id);
        var bar = Assert.Single(lines, l => l.Text.Contains("Total progress", StringComparison.Ordinal));
        Assert.Equal("Total progress: 100%|##########| 50/50", bar.Text);
        Assert.Equal(LogSource.Stderr, bar.Source);
        // ANSI colour codes are kept for display.
        Assert.Contains(lines, l => l.Text == "\u001b[32mStarting optimisation\u001b[0m");
        Assert.Contains(lines, l => l.Text == "Optimization complete..");
    }

    [Fact]
    public async Task Hooks_ReadProgressAndConcludeWithOutputAndHint()
    {
        var job = await _factory.Jobs.CreateAsync("hooked", new JsonObject { ["count"] = 150 }, CancellationToken.None);

        var done = await _factory.WaitForFinishAsync(job.Id);

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(100, done.Progress);
        Assert.Equal("a hint", done.Hint);
        Assert.Equal("test", done.Output?["type"]?.GetValue<string>());
        Assert.True(done.Output?["lines"]?.GetValue<int>() >= 3);
        Assert.StartsWith("Total progress: 100%", done.Output?["last"]?.GetValue<string>(), StringComparison.Ordinal);
        var lines = await _factory.AllLinesAsync(job.Id);
        Assert.Contains(lines, l => l.Text == "parsed by the hook" && l.Source == LogSource.System);
        var attempt = Assert.Single(done.Attempts);
        Assert.Equal("completed", attempt.Outcome);
        Assert.Equal(0, attempt.ExitCode);
    }

    [Fact]
    public async Task ProgressBelow100_IsStoredWhileTheJobRuns_AndAFinishedJobHasNoEta()
    {
        // The throttle once started at long.MinValue: the elapsed time overflowed and every reading below
        // 100 % was dropped, so a job showed no progress until it ended.
        var job = await _factory.Jobs.CreateAsync("hooked", new JsonObject { ["count"] = 400 }, CancellationToken.None);

        var running = await _factory.WaitForJobAsync(job.Id, j => j.Progress is < 100 || j.IsFinished, seconds: 60);
        var done = await _factory.WaitForFinishAsync(job.Id, seconds: 60);

        Assert.False(running.IsFinished, "the job finished before any reading below 100 % was stored");
        Assert.InRange(running.Progress!.Value, 0, 99);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(100, done.Progress);
        Assert.Null(done.Eta);
    }

    [Fact]
    public async Task Environment_IsCleanBasePlusSecretsAndMarker_AndSecretsAreMasked()
    {
        Environment.SetEnvironmentVariable("AIRSENALOPS_TEST_LEAK", "leaked");
        var job = await _factory.Jobs.CreateAsync("env", new JsonObject { ["var"] = "FPL_PASSWORD" }, CancellationToken.None);
        var other = await _factory.Jobs.CreateAsync("env", new JsonObject { ["var"] = JobsFactory.Password }, CancellationToken.None);

        var done = await _factory.WaitForFinishAsync(job.Id);
        var otherDone = await _factory.WaitForFinishAsync(other.Id);

        Assert.Equal(JobStatus.Completed, done.Status);
        var text = (await _factory.AllLinesAsync(job.Id)).Select(l => l.Text).ToList();
        Assert.Contains("FPL_PASSWORD=***", text);
        Assert.DoesNotContain(text, t => t.Contains(JobsFactory.Password, StringComparison.Ordinal));
        // The command line with a secret in it is masked too, in the job and in the log.
        Assert.Equal("fake_job env --var ***", otherDone.CommandLine);
        Assert.DoesNotContain(await _factory.AllLinesAsync(other.Id), l => l.Text.Contains(JobsFactory.Password, StringComparison.Ordinal));

        var probe = await _factory.Jobs.CreateAsync("env", new JsonObject { ["var"] = "AIRSENALOPS_TEST_LEAK" }, CancellationToken.None);
        await _factory.WaitForFinishAsync(probe.Id);
        var probeText = (await _factory.AllLinesAsync(probe.Id)).Select(l => l.Text).ToList();
        Assert.Contains("AIRSENALOPS_TEST_LEAK=<unset>", probeText);

        // A Python environment manager's variables do reach the job: the shim must pick AIrsenal's interpreter.
        Environment.SetEnvironmentVariable("CONDA_DEFAULT_ENV", "airsenal-test");
        var conda = await _factory.Jobs.CreateAsync("env", new JsonObject { ["var"] = "CONDA_DEFAULT_ENV" }, CancellationToken.None);
        await _factory.WaitForFinishAsync(conda.Id);
        Assert.Contains("CONDA_DEFAULT_ENV=airsenal-test", (await _factory.AllLinesAsync(conda.Id)).Select(l => l.Text));

        var marker = await _factory.Jobs.CreateAsync("env", new JsonObject { ["var"] = "AIRSENALOPS_JOB_ID" }, CancellationToken.None);
        await _factory.WaitForFinishAsync(marker.Id);
        Assert.Contains($"AIRSENALOPS_JOB_ID={marker.Id}", (await _factory.AllLinesAsync(marker.Id)).Select(l => l.Text));
        var unbuffered = await _factory.Jobs.CreateAsync("env", new JsonObject { ["var"] = "PYTHONUNBUFFERED" }, CancellationToken.None);
        await _factory.WaitForFinishAsync(unbuffered.Id);
        Assert.Contains("PYTHONUNBUFFERED=1", (await _factory.AllLinesAsync(unbuffered.Id)).Select(l => l.Text));
    }

    [Fact]
    public async Task ClosedStdin_FailsAPromptInsteadOfHanging_AndAHookCanAnswerIt()
    {
        var closed = await _factory.Jobs.CreateAsync("stdin", null, CancellationToken.None);
        var answered = await _factory.Jobs.CreateAsync("stdin_answered", null, CancellationToken.None);

        var failed = await _factory.WaitForFinishAsync(closed.Id);
        var completed = await _factory.WaitForFinishAsync(answered.Id);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains(await _factory.AllLinesAsync(closed.Id), l => l.Text.Contains("EOFError", StringComparison.Ordinal));
        Assert.Equal(JobStatus.Completed, completed.Status);
        Assert.Contains(await _factory.AllLinesAsync(answered.Id), l => l.Text.EndsWith("answer n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PeerCommand_RunsTheResolvedAirsenalExecutableWithItsArguments()
    {
        var job = await _factory.Jobs.CreateAsync("optimize", new JsonObject { ["weeks_ahead"] = 5, ["wildcard_week"] = 0 }, CancellationToken.None);

        var done = await _factory.WaitForFinishAsync(job.Id);

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal("airsenal_run_optimization --weeks_ahead 5 --wildcard_week 0", done.CommandLine);
        Assert.Contains(await _factory.AllLinesAsync(job.Id), l => l.Text == "airsenal_run_optimization --weeks_ahead 5 --wildcard_week 0");
    }

    [Fact]
    public async Task FailingCommand_RecordsExitCodeAndError()
    {
        var job = await _factory.Jobs.CreateAsync("fail", null, CancellationToken.None);

        var done = await _factory.WaitForFinishAsync(job.Id);

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal(1, done.ExitCode);
        Assert.Equal("Exited with code 1.", done.Error);
        Assert.Contains(await _factory.AllLinesAsync(job.Id), l => l.Source == LogSource.Stderr && l.Text == "RuntimeError: Problem running prediction");
    }
}
