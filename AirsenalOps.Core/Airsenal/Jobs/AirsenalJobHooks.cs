using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Airsenal.Jobs;

/// <summary>How one AIrsenal command is run: which secrets it needs, its database use, progress and no-op texts.</summary>
public sealed record AirsenalHookSpec
{
    /// <summary>Secrets without which the command cannot do its work (checked before the process starts).</summary>
    public IReadOnlyList<string> RequiredSecrets { get; init; } = [];

    /// <summary>Copy the local database back after success (false for commands that only read it).</summary>
    public bool CopyBack { get; init; } = true;

    /// <summary>
    /// Without FPL_LOGIN/FPL_PASSWORD, answer "n" to AIrsenal's login prompt so it continues with estimates
    /// (free transfers and bank) instead of failing on a closed stdin.
    /// </summary>
    public bool DeclineLogin { get; init; }

    /// <summary>The tqdm bar whose description reports the run's progress.</summary>
    public string? ProgressBar { get; init; }

    /// <summary>Count the optimiser's strategy files while its bar is not drawn yet (never instead of the bar).</summary>
    public bool CountStrategies { get; init; }

    /// <summary>Pipeline stage markers drive the progress.</summary>
    public bool PipelineStages { get; init; }

    /// <summary>Known texts (FailureHints codes) that mean an exit 0 did nothing: the job fails with the hint.</summary>
    public IReadOnlyList<string> NoOpCodes { get; init; } = [];

    /// <summary>The command changes the real FPL team: it runs only with confirm = true.</summary>
    public bool RequiresConfirm { get; init; }
}

/// <summary>
/// The engine's per-command hooks for AIrsenal: a fresh working copy of the database before the run, the
/// environment AIrsenal needs, progress and prompt detection per line, and afterwards parsed output, a hint
/// for known failures and the atomic copy-back of a successful run.
/// </summary>
public sealed class AirsenalJobHooks(AirsenalDatabase database, IOptions<AirsenalOptions> options, TimeProvider time, AirsenalHookSpec spec) : IJobHooks
{
    private const string PromptItem = "airsenal.prompt";
    private const string BarItem = "airsenal.bar";
    private const string LastCountItem = "airsenal.last_count";
    private const string StageItem = "airsenal.stage";
    private const string HomeItem = "airsenal.home";
    private const string HoldsDatabaseItem = "airsenal.holds_db";
    private const string DeclinedLoginItem = "airsenal.declined_login";
    private const int ReadBatch = 5000;

    /// <summary>How AIrsenal's seven-line login prompt ends (input() prints it without a newline).</summary>
    internal const string LoginPromptEnd = "the API. (y/n): ";

    /// <summary>Stage → (start %, share %) of a pipeline run, from the registry.</summary>
    private static readonly Dictionary<string, (double Start, double Share)> StageProgress =
        AirsenalCommands.PipelineSteps.ToDictionary(step => step.Name, step => (step.StartPercent, step.SharePercent), StringComparer.Ordinal);

    public AirsenalHookSpec Spec => spec;

    public async ValueTask<JobPreparation> PrepareAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (spec.RequiresConfirm && context.Job.Parameters["confirm"]?.GetValue<bool>() != true)
        {
            return JobPreparation.Fail($"{context.Command.Name} changes your real FPL team: run it with confirm set to true.");
        }

        var missing = spec.RequiredSecrets.Where(key => !context.Secrets.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value)).ToList();
        if (missing.Count > 0)
        {
            return JobPreparation.Fail($"Set the {string.Join(" and ", missing)} secret{(missing.Count > 1 ? "s" : "")}: {context.Command.Name} needs {(missing.Count > 1 ? "them" : "it")}.");
        }

        var home = HomeFor(context.Secrets);
        try
        {
            Directory.CreateDirectory(home);
            if (spec.CountStrategies)
            {
                // Files left by a killed run would count as progress of this one.
                foreach (var stale in Directory.EnumerateFiles(Path.Combine(home, "airsopt"), "strategy_*.json").ToList())
                {
                    File.Delete(stale);
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // No airsopt folder yet: nothing stale.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return JobPreparation.Fail($"AIRSENAL_HOME {home} is not usable: {ex.Message}");
        }

        try
        {
            await database.PrepareLocalAsync(context.Job.Id, cancellationToken);
        }
        catch (AirsenalDatabaseException ex)
        {
            return JobPreparation.Fail(ex.Message);
        }

        context.Items[HoldsDatabaseItem] = true;
        context.Items[HomeItem] = home;
        string? input = null;
        if (spec.DeclineLogin && (!context.Secrets.ContainsKey("FPL_LOGIN") || !context.Secrets.ContainsKey("FPL_PASSWORD")))
        {
            input = "n\n";
            context.Items[DeclinedLoginItem] = true;
            await context.LogAsync("FPL_LOGIN/FPL_PASSWORD are not set: AIrsenal's login prompt is answered 'n', so free transfers and bank are estimated.", cancellationToken);
        }

        return new JobPreparation
        {
            Environment = new Dictionary<string, string>
            {
                ["AIRSENAL_DB_FILE"] = database.LocalPath,
                ["AIRSENAL_HOME"] = home,
            },
            // Anything else AIrsenal asks meets a closed stdin and fails at once instead of waiting.
            StandardInput = input,
            // The answered prompt keeps its own line instead of swallowing "Getting starting squad for …".
            StdoutEndsAfter = input is null ? [] : [LoginPromptEnd],
        };
    }

    public JobProgress? OnLine(JobRunContext context, string plainText)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plainText);
        if (!context.Items.ContainsKey(PromptItem) && PromptDetector.Detect(plainText) is { } prompt)
        {
            context.Items[PromptItem] = prompt;
        }

        if (spec.PipelineStages && PipelineParser.StageOf(plainText) is { } stage)
        {
            context.Items[StageItem] = stage;
            return new JobProgress(StageProgress[stage].Start);
        }

        if (spec.PipelineStages && plainText.StartsWith("Pipeline finished OK!", StringComparison.Ordinal))
        {
            return new JobProgress(100);
        }

        var barName = spec.PipelineStages ? ProgressParser.OptimiserBar : spec.ProgressBar;
        if (barName is null)
        {
            return null;
        }

        if (!context.Items.TryGetValue(BarItem, out var item))
        {
            item = new BarTracker(barName);
            context.Items[BarItem] = item;
        }

        var bar = (BarTracker)item;
        var reading = bar.Read(plainText);
        if (spec.PipelineStages)
        {
            // The job's percent is the pipeline's; the optimiser bar's counts are only its stage's, so they are not the job's done/total.
            if (reading is null)
            {
                return null;
            }

            var (start, share) = StageProgress[context.Items.TryGetValue(StageItem, out var s) ? (string)s : AirsenalCommandNames.Optimize];
            return new JobProgress(Math.Round(start + share * reading.Percent / 100, 1));
        }

        if (reading is not null)
        {
            return new JobProgress(reading.Percent, reading.Remaining, reading.Done, reading.Total);
        }

        if (spec.CountStrategies && bar.Current is null && CountDue(context) && StrategyFiles.Count((string)context.Items[HomeItem]) is { } files)
        {
            // No bar drawn yet (or none at all): the finished strategies are still a count, without a total or a percent.
            // Once the bar exists it decides: the files are emptied at the start and deleted at the end, and do not match its count.
            return new JobProgress(null, Done: files);
        }

        return null;
    }

    public async ValueTask<JobConclusion> ConcludeAsync(JobRunContext context, JobRunResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        var log = await ReadOutputAsync(context, cancellationToken);
        var lines = log.Select(l => l.Text).ToList();
        var prompt = context.Items.GetValueOrDefault(PromptItem) as PromptHit ?? lines.Select(PromptDetector.Detect).FirstOrDefault(p => p is not null);
        if (prompt is { MissingSecret: "FPL_LOGIN" } && context.Items.ContainsKey(DeclinedLoginItem))
        {
            // The console answered this prompt itself ("n"): it is the expected path, not something to fix.
            prompt = null;
        }

        var hint = FailureHints.Find(lines);
        // AIrsenal prints its results with print() on stdout; stderr holds warnings and bars that would leak into summaries.
        var output = AirsenalOutputParser.Parse(context.Command.Name, log.Where(l => l.Source == LogSource.Stdout).Select(l => l.Text).ToList(),
            time.GetUtcNow(), context.Job.Parameters);
        if (result.Succeeded && context.Items.ContainsKey(HoldsDatabaseItem))
        {
            // Before the working copy is saved or dropped: its newest rows are this run's, with the players' prices.
            output = await PlanPricing.AddPlanAsync(output, context.Job, database.LocalPath, time.GetUtcNow(), cancellationToken);
        }

        string? error = null;
        string? recurs = null;
        var retryable = true;
        var exception = PythonTraceback.LastException(lines);
        if (result.Succeeded && hint is not null && spec.NoOpCodes.Contains(hint.Code))
        {
            // AIrsenal exits 0 here although it did nothing; retrying cannot change that.
            (error, retryable, recurs) = JobConclusion.From(new FailureCause(FailureKind.NoOp, hint.Hint));
        }
        else if (result.Succeeded && spec.PipelineStages && !lines.Any(l => l.StartsWith("Pipeline finished OK!", StringComparison.Ordinal)))
        {
            (error, retryable, recurs) = JobConclusion.From(new FailureCause(FailureKind.NoOp, "The pipeline stopped before finishing" + (hint is null ? "." : ": " + hint.Hint)));
        }
        else if (!result.Succeeded && result.ExitCode is not null && prompt is not null)
        {
            (error, retryable, recurs) = JobConclusion.From(new FailureCause(FailureKind.MissingSecret, prompt.Message));
        }
        else if (!result.Succeeded && result.ExitCode is not null && hint is { FailsJob: true })
        {
            // The banner shows what AIrsenal said (the exception line), the hint below it says what to do.
            (error, retryable, recurs) = JobConclusion.From(new FailureCause(FailureKind.Configuration, exception ?? hint.Hint));
        }
        else if (!result.Succeeded && result.ExitCode is not null && !result.TimedOut && !result.Idle && exception is not null)
        {
            // A rate limit or network hint seen on the way outranks the exception it caused.
            var cause = hint is { FailsJob: false, Code: not FailureHints.LoginFailedCode }
                ? new FailureCause(FailureKind.Transient, exception)
                : FailureRule.FromException(exception);
            (error, retryable, recurs) = JobConclusion.From(cause);
        }

        if (context.Items.ContainsKey(HoldsDatabaseItem))
        {
            var keep = error is null && result.Succeeded && spec.CopyBack;
            try
            {
                await database.CompleteAsync(keep, cancellationToken);
                if (keep)
                {
                    await context.LogAsync("AIrsenal's database was saved (the previous copy is kept as a backup).", cancellationToken);
                }
            }
            catch (AirsenalDatabaseException ex)
            {
                (error, retryable, recurs) = JobConclusion.From(new FailureCause(FailureKind.Configuration, ex.Message));
            }
        }

        // A success carries only a warning worth acting on (a login that failed with credentials, rate limiting on the
        // way), never a failure text or a prompt that was answered.
        var shownHint = error is null && result.Succeeded
            ? hint is { FailsJob: false } ? hint.Hint : null
            : prompt?.Message ?? hint?.Hint;
        return new JobConclusion
        {
            Output = output,
            Hint = shownHint,
            Error = error,
            Retryable = retryable,
            Recurs = recurs,
        };
    }

    private string HomeFor(IReadOnlyDictionary<string, string> secrets) =>
        secrets.TryGetValue("AIRSENAL_HOME", out var fromSecret) && !string.IsNullOrWhiteSpace(fromSecret) ? fromSecret
        : !string.IsNullOrWhiteSpace(options.Value.Home) ? options.Value.Home
        : Path.Combine(Path.GetDirectoryName(database.PersistentPath)!, "home");

    /// <summary>Counting files is a directory scan: at most once a second, however fast the bars redraw.</summary>
    private bool CountDue(JobRunContext context)
    {
        var now = time.GetTimestamp();
        if (context.Items.TryGetValue(LastCountItem, out var last) && time.GetElapsedTime((long)last, now) < TimeSpan.FromSeconds(1))
        {
            return false;
        }

        context.Items[LastCountItem] = now;
        return true;
    }

    /// <summary>This attempt's process output (console lines are left out: they are not AIrsenal's).</summary>
    private static async Task<List<LogLine>> ReadOutputAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        var lines = new List<LogLine>();
        var after = context.FirstSeq - 1;
        while (true)
        {
            var batch = await context.ReadLogAsync(after, ReadBatch, cancellationToken);
            lines.AddRange(batch.Where(l => l.Source != LogSource.System));
            if (batch.Count < ReadBatch)
            {
                return lines;
            }

            after = batch[^1].Seq;
        }
    }
}
