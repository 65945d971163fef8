using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Schedules;

/// <summary>A schedule as a client sends it (create and full update).</summary>
public sealed record ScheduleInput(
    string? Name = null,
    bool? Enabled = null,
    string? Target = null,
    string? Command = null,
    JsonObject? Parameters = null,
    string? Cron = null,
    string? TimeZone = null,
    int? DeadlineOffsetMinutes = null);

/// <summary>A run that ended (completed, failed or cancelled), for notifications.</summary>
public sealed record ScheduleRunFinished(ScheduleRecord Schedule, ScheduleRun Run);

/// <summary>The result of "run now": the schedule, or why it was refused.</summary>
public sealed record ScheduleRunResult(ScheduleRecord? Schedule, string? Refused = null);

/// <summary>
/// Schedules: CRUD for pages and the API, and the scheduler's tick. Every change to a schedule goes
/// through one gate, so an edit never overwrites a run the scheduler has just recorded.
/// </summary>
public sealed partial class ScheduleService(
    IStorage storage,
    IScheduledJobs jobs,
    CommandCatalogue catalogue,
    IDeadlineSource deadlines,
    IOptions<ScheduleOptions> options,
    TimeProvider time,
    AuditLog audit,
    ILogger<ScheduleService> logger) : IDisposable
{
    /// <summary>The weekly chain: each step starts only after the previous one completed.</summary>
    public static IReadOnlyList<string> ChainSteps { get; } = [AirsenalCommandNames.UpdateDb, AirsenalCommandNames.Predict, AirsenalCommandNames.Optimize];

    public const string TargetCommand = "command";
    public const string TargetWeeklyChain = "weekly_chain";
    public const int MaxOffsetMinutes = 7 * 24 * 60;

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Raised after a run's last job finished (or the run stopped at a failed step).</summary>
    public event EventHandler<ScheduleRunFinished>? RunFinished;

    public Task<IReadOnlyList<ScheduleRecord>> ListAsync(CancellationToken cancellationToken) =>
        storage.Schedules.ListAsync(cancellationToken);

    public Task<ScheduleRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        storage.Schedules.GetAsync(id, cancellationToken);

    /// <summary>The next <paramref name="count"/> run times from now.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> NextRunsAsync(ScheduleRecord schedule, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return ScheduleTiming.NextRuns(schedule, time.GetUtcNow(), Math.Clamp(count, 1, 100), await deadlines.GetDeadlinesAsync(cancellationToken));
    }

    /// <summary>Validates and stores a new schedule; throws <see cref="ScheduleValidationException"/>.</summary>
    public async Task<ScheduleRecord> CreateAsync(ScheduleInput input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var schedule = Validate(input, new ScheduleRecord { Id = Guid.NewGuid().ToString(), Name = string.Empty, CreatedAt = now }) with
        {
            UpdatedAt = now,
            // Occurrences before the schedule existed are not "missed".
            LastDueAt = now,
        };
        schedule = schedule with { NextRunAt = ScheduleTiming.NextAfter(schedule, now, await deadlines.GetDeadlinesAsync(cancellationToken)) };
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await storage.Schedules.UpsertAsync(schedule, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        await audit.RecordAsync(AuditAction.ScheduleCreated, schedule.Id, Describe(schedule));
        return schedule;
    }

    /// <summary>Replaces what and when; the run history and a run in progress are kept. Null when unknown.</summary>
    public async Task<ScheduleRecord?> UpdateAsync(string id, ScheduleInput input, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (await storage.Schedules.GetAsync(id, cancellationToken) is not { } current)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var updated = Validate(input, current) with { UpdatedAt = now };
            var retimed = updated.Cron != current.Cron || updated.TimeZone != current.TimeZone
                || updated.DeadlineOffsetMinutes != current.DeadlineOffsetMinutes || (updated.Enabled && !current.Enabled);
            if (retimed)
            {
                // New timing (or re-enabled): count from now, so nothing from before reads as missed.
                updated = updated with { LastDueAt = now };
            }

            updated = updated with { NextRunAt = updated.Enabled ? ScheduleTiming.NextAfter(updated, now, await deadlines.GetDeadlinesAsync(cancellationToken)) : null };
            await storage.Schedules.UpsertAsync(updated, cancellationToken);
            // Turning a schedule on or off is its own action: the one an operator looks for.
            var action = updated.Enabled == current.Enabled ? AuditAction.ScheduleChanged
                : updated.Enabled ? AuditAction.ScheduleEnabled : AuditAction.ScheduleDisabled;
            await audit.RecordAsync(action, id, Describe(updated));
            return updated;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var deleted = await storage.Schedules.DeleteAsync(id, cancellationToken);
            if (deleted)
            {
                await audit.RecordAsync(AuditAction.ScheduleDeleted, id);
            }

            return deleted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts a run at once, unless the schedule's previous run is still going.</summary>
    public async Task<ScheduleRunResult> RunNowAsync(string id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (await storage.Schedules.GetAsync(id, cancellationToken) is not { } schedule)
            {
                return new ScheduleRunResult(null);
            }

            schedule = await AdvanceAsync(schedule, cancellationToken);
            if (schedule.Active is not null)
            {
                await storage.Schedules.UpsertAsync(schedule, cancellationToken);
                return new ScheduleRunResult(schedule, "The schedule's previous run is still running.");
            }

            schedule = await StartRunAsync(schedule, time.GetUtcNow(), "manual", cancellationToken);
            await storage.Schedules.UpsertAsync(schedule, cancellationToken);
            return new ScheduleRunResult(schedule);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// One pass of the scheduler: moves running chains on, then starts, skips or records as missed
    /// every occurrence that has come. Safe to call at any time and after a restart.
    /// </summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var all = await storage.Schedules.ListAsync(cancellationToken);
            // Without schedules there is nothing to ask the FPL API.
            var known = all.Count == 0 ? [] : await deadlines.GetDeadlinesAsync(cancellationToken);
            foreach (var stored in all)
            {
                try
                {
                    var schedule = await AdvanceAsync(stored, cancellationToken);
                    schedule = await HandleDueAsync(schedule, known, cancellationToken);
                    if (schedule != stored)
                    {
                        await storage.Schedules.UpsertAsync(schedule, cancellationToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One broken schedule must not stop the others.
                    LogTickFailed(logger, ex, stored.Id);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ScheduleRecord> HandleDueAsync(ScheduleRecord schedule, IReadOnlyList<DateTimeOffset> known, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!schedule.Enabled)
        {
            return schedule.NextRunAt is null ? schedule : schedule with { NextRunAt = null };
        }

        var anchor = schedule.LastDueAt ?? schedule.CreatedAt;
        if (ScheduleTiming.NextAfter(schedule, anchor, known) is not { } due || due > now)
        {
            var next = ScheduleTiming.NextAfter(schedule, now, known);
            return next == schedule.NextRunAt ? schedule : schedule with { NextRunAt = next };
        }

        // Several occurrences may have passed while the console was down: only the latest counts.
        var latest = due;
        var passed = 1;
        while (passed < 10_000 && ScheduleTiming.NextAfter(schedule, latest, known) is { } later && later <= now)
        {
            latest = later;
            passed++;
        }

        var earlier = passed > 1 ? $" ({passed - 1} earlier occurrence(s) also passed while the console was not running)" : string.Empty;
        var late = now - latest > TimeSpan.FromSeconds(options.Value.GraceSeconds);
        var deadline = ScheduleTiming.DeadlineFor(latest, known);
        if (late && deadline is { } d && now >= d)
        {
            schedule = Finish(schedule, new ScheduleRun
            {
                DueAt = latest,
                FinishedAt = now,
                Outcome = "missed",
                Detail = $"The console was not running at {latest:u}, and the gameweek deadline {d:u} has passed{earlier}.",
            });
        }
        else if (schedule.Active is not null)
        {
            schedule = Finish(schedule, new ScheduleRun
            {
                DueAt = latest,
                FinishedAt = now,
                Outcome = "skipped",
                Detail = "The previous run was still running." + earlier,
            });
        }
        else
        {
            schedule = await StartRunAsync(schedule, latest, "schedule", cancellationToken);
            if (late && schedule.Active is { } started)
            {
                schedule = schedule with { Active = started with { Detail = $"Started late: the console was not running at {latest:u}{earlier}." } };
            }
        }

        return schedule with { LastDueAt = latest, NextRunAt = ScheduleTiming.NextAfter(schedule, now, known) };
    }

    private async Task<ScheduleRecord> StartRunAsync(ScheduleRecord schedule, DateTimeOffset dueAt, string trigger, CancellationToken cancellationToken)
    {
        var steps = schedule.Target == ScheduleTarget.WeeklyChain ? ChainSteps : [schedule.Command!];
        var run = new ScheduleRun { DueAt = dueAt, StartedAt = time.GetUtcNow(), Outcome = "running", Trigger = trigger, Steps = steps };
        return await StartStepAsync(schedule, run, cancellationToken);
    }

    /// <summary>Starts the run's next step; a step the engine refuses ends the run as failed.</summary>
    private async Task<ScheduleRecord> StartStepAsync(ScheduleRecord schedule, ScheduleRun run, CancellationToken cancellationToken)
    {
        var step = run.Steps[run.JobIds.Count];
        try
        {
            var jobId = await jobs.StartAsync(step, StepParameters(schedule, step), new ScheduleMark(schedule.Id, schedule.Name), cancellationToken);
            LogStarted(logger, schedule.Name, step, jobId);
            return schedule with { Active = run with { JobIds = [.. run.JobIds, jobId] } };
        }
        catch (JobValidationException ex)
        {
            return Finished(schedule, run with { Outcome = "failed", Detail = $"Step {step} could not start: {ex.Message}" });
        }
    }

    /// <summary>Looks at the active run's current job: waits, starts the next chain step, or ends the run.</summary>
    private async Task<ScheduleRecord> AdvanceAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        if (schedule.Active is not { } run)
        {
            return schedule;
        }

        var step = run.Steps[run.JobIds.Count - 1];
        var status = await jobs.GetStatusAsync(run.JobIds[^1], cancellationToken);
        switch (status)
        {
            case null:
                return Finished(schedule, run with { Outcome = "failed", Detail = $"The job of step {step} no longer exists." });
            case JobStatus.Completed when run.JobIds.Count < run.Steps.Count:
                return await StartStepAsync(schedule, run, cancellationToken);
            case JobStatus.Completed:
                return Finished(schedule, run with { Outcome = "completed" });
            case JobStatus.Failed or JobStatus.Cancelled:
                var outcome = StorageJson.ToText(status.Value);
                var detail = run.Steps.Count > 1 ? $"Stopped at step {step}: the job {outcome}." : $"The job {outcome}.";
                return Finished(schedule, run with { Outcome = outcome, Detail = detail });
            default:
                return schedule;
        }
    }

    private ScheduleRecord Finished(ScheduleRecord schedule, ScheduleRun run)
    {
        var done = Finish(schedule, run with { FinishedAt = time.GetUtcNow() });
        LogFinished(logger, schedule.Name, run.Outcome);
        RunFinished?.Invoke(this, new ScheduleRunFinished(done, done.History[0]));
        return done;
    }

    private static ScheduleRecord Finish(ScheduleRecord schedule, ScheduleRun run) => schedule with
    {
        Active = run.Outcome is "missed" or "skipped" ? schedule.Active : null,
        History = [run, .. schedule.History.Take(ScheduleRecord.HistoryLimit - 1)],
    };

    private static JsonObject StepParameters(ScheduleRecord schedule, string step)
    {
        var node = schedule.Target == ScheduleTarget.WeeklyChain ? schedule.Parameters[step] : schedule.Parameters;
        return node is JsonObject parameters ? (JsonObject)parameters.DeepClone() : [];
    }

    /// <summary>Checks everything a client sent and returns <paramref name="current"/> with it applied.</summary>
    private ScheduleRecord Validate(ScheduleInput input, ScheduleRecord current)
    {
        var target = (input.Target?.Trim().ToLowerInvariant()) switch
        {
            null or "" => input.Command is null && input.Parameters?.Any(p => ChainSteps.Contains(p.Key)) == true ? ScheduleTarget.WeeklyChain : ScheduleTarget.Command,
            TargetCommand => ScheduleTarget.Command,
            TargetWeeklyChain => ScheduleTarget.WeeklyChain,
            var other => throw new ScheduleValidationException($"Unknown target '{other}': use '{TargetCommand}' or '{TargetWeeklyChain}'."),
        };

        string? command = null;
        JsonObject parameters;
        if (target == ScheduleTarget.Command)
        {
            parameters = ValidateStep(input.Command, input.Parameters);
            command = input.Command;
        }
        else
        {
            if (input.Command is not null)
            {
                throw new ScheduleValidationException($"A {TargetWeeklyChain} schedule runs {string.Join(" → ", ChainSteps)}: leave 'command' out.");
            }

            parameters = [];
            foreach (var (key, value) in input.Parameters ?? [])
            {
                if (!ChainSteps.Contains(key))
                {
                    throw new ScheduleValidationException($"Unknown chain step '{key}' in parameters; steps: {string.Join(", ", ChainSteps)}.");
                }

                if (value is not null and not JsonObject)
                {
                    throw new ScheduleValidationException($"Parameters of step '{key}' must be an object.");
                }
            }

            foreach (var step in ChainSteps)
            {
                parameters[step] = ValidateStep(step, input.Parameters?[step] as JsonObject);
            }
        }

        if ((input.Cron is null) == (input.DeadlineOffsetMinutes is null))
        {
            throw new ScheduleValidationException("Give either 'cron' (with an optional 'time_zone') or 'deadline_offset_minutes' (e.g. -360 = 6 hours before every deadline), not both.");
        }

        if (input.Cron is not null)
        {
            ScheduleTiming.ParseCron(input.Cron);
        }

        ScheduleTiming.ParseTimeZone(input.TimeZone);
        if (input.DeadlineOffsetMinutes is { } offset && Math.Abs(offset) > MaxOffsetMinutes)
        {
            throw new ScheduleValidationException($"deadline_offset_minutes must be between -{MaxOffsetMinutes} and {MaxOffsetMinutes}.");
        }

        var name = string.IsNullOrWhiteSpace(input.Name)
            ? (target == ScheduleTarget.WeeklyChain ? "Weekly chain" : command!)
            : input.Name.Trim();
        if (name.Length > 100)
        {
            throw new ScheduleValidationException("name must be at most 100 characters.");
        }

        return current with
        {
            Name = name,
            Enabled = input.Enabled ?? true,
            Target = target,
            Command = command,
            Parameters = parameters,
            Cron = input.Cron?.Trim(),
            TimeZone = string.IsNullOrWhiteSpace(input.TimeZone) ? "UTC" : input.TimeZone.Trim(),
            DeadlineOffsetMinutes = input.DeadlineOffsetMinutes,
        };
    }

    private JsonObject ValidateStep(string? command, JsonObject? parameters)
    {
        try
        {
            return catalogue.Validate(command, (JsonObject?)parameters?.DeepClone()).Parameters;
        }
        catch (JobValidationException ex)
        {
            throw new ScheduleValidationException(ex.Message);
        }
    }

    private static Dictionary<string, string> Describe(ScheduleRecord schedule) => new()
    {
        ["name"] = schedule.Name,
        ["target"] = schedule.Target == ScheduleTarget.WeeklyChain ? TargetWeeklyChain : schedule.Command ?? TargetCommand,
        ["enabled"] = schedule.Enabled ? "true" : "false",
    };

        public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {Schedule} started {Command} as job {JobId}")]
    private static partial void LogStarted(ILogger logger, string schedule, string command, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {Schedule} run ended: {Outcome}")]
    private static partial void LogFinished(ILogger logger, string schedule, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler tick failed for schedule {ScheduleId}")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, string scheduleId);
}
