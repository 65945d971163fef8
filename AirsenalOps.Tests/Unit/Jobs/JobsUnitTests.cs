using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Unit.Jobs;

public sealed class LineSplitterTests
{
    private readonly List<string> _lines = [];
    private readonly List<string> _redraws = [];

    private LineSplitter Create(int max = 1000) => new(
        (text, cut) => _lines.Add(cut ? text + " [cut]" : text),
        (text, cut) => _redraws.Add(cut ? text + " [cut]" : text),
        max);

    [Fact]
    public void SplitsOnNewlinesAndCrLf_AcrossChunks()
    {
        var splitter = Create();
        splitter.Feed("a\nb\r");
        splitter.Feed("\nc");
        splitter.Feed("d\n");
        splitter.Finish();

        Assert.Equal(["a", "b", "cd"], _lines);
        Assert.Empty(_redraws);
    }

    [Fact]
    public void CarriageReturnRedraws_AreReportedAsRedraws_AndOnlyTheFinalStateIsALine()
    {
        var splitter = Create();
        splitter.Feed("\r 10%|#\r 50%|#####\r100%|##########|\nnext\n");
        splitter.Finish();

        Assert.Equal(["100%|##########|", "next"], _lines);
        Assert.Equal([" 10%|#", " 50%|#####"], _redraws);
    }

    [Fact]
    public void AStateBeingDrawn_IsReportedOnceWhenDrawn_AndStoredOnlyAsTheLineItBecomes()
    {
        var drawn = new List<string>();
        var splitter = new LineSplitter((text, _) => _lines.Add(text), (text, _) => _redraws.Add(text), 1000, (text, _) => drawn.Add(text));
        splitter.Feed("Starting with 2 free transfers\nhalf a li");
        splitter.Feed("ne\n\rTotal progress:  15%|█▍ | 4/27 [00:17<01:43]\u001b[A\u001b[A");
        splitter.Feed("\rstrategy: 1:  13%|█▎ | 13.3/100 [00:01<00:06]");
        splitter.Feed("\rstrategy: 1:  20%|██ | 20.0/100 [00:01<00:05]\n");
        splitter.Feed("\rTotal progress: 100%|██████████| 27/27 [02:55<00:00]\r");
        splitter.Feed("\n");
        splitter.Finish();

        // Text after a newline (a line not yet finished, a prompt) is not a drawn state; text after a lone \r is.
        Assert.Equal(["Total progress:  15%|█▍ | 4/27 [00:17<01:43]\u001b[A\u001b[A", "strategy: 1:  13%|█▎ | 13.3/100 [00:01<00:06]", "Total progress: 100%|██████████| 27/27 [02:55<00:00]"], drawn);
        Assert.Equal(["Starting with 2 free transfers", "half a line", "strategy: 1:  20%|██ | 20.0/100 [00:01<00:05]", "Total progress: 100%|██████████| 27/27 [02:55<00:00]"], _lines);
        Assert.Equal(["Total progress:  15%|█▍ | 4/27 [00:17<01:43]\u001b[A\u001b[A", "strategy: 1:  13%|█▎ | 13.3/100 [00:01<00:06]"], _redraws);
    }

    [Fact]
    public void PendingTextAtEndOfStream_IsALine()
    {
        var splitter = Create();
        splitter.Feed("no newline\r");
        splitter.Finish();

        Assert.Equal(["no newline"], _lines);
    }

    [Fact]
    public void RunawayLine_IsTruncated_AndReportedAsCut()
    {
        var splitter = Create(max: 5);
        splitter.Feed("abcdefghij\nok\n");
        splitter.Feed("klmnopq\rr\n");

        // No marker of its own: the log writer masks first, then cuts and marks.
        Assert.Equal(["abcde [cut]", "ok", "r"], _lines);
        Assert.Equal(["klmno [cut]"], _redraws);
    }

    [Theory]
    // The real optimiser's reads: the prompt alone, then the next text (run_optimization.jsonl).
    [InlineData("Running\n\nthe API. (y/n): |Getting starting squad for 742663\n")]
    // Both in one read (a loaded machine reads late).
    [InlineData("Running\n\nthe API. (y/n): Getting starting squad for 742663\n")]
    // The prompt split across reads (| separates the reads).
    [InlineData("Running\n\nthe API. (y|/n): Getting starting squad| for 742663\n")]
    [InlineData("Running\n\nthe API. (y/n):| |Getting starting squad for 742663\n")]
    // A newline after the prompt ends the same line, with no empty line after it.
    [InlineData("Running\n\nthe API. (y/n): |\nGetting starting squad for 742663\n")]
    public void APromptTheConsoleAnswered_EndsItsLine_HoweverTheReadsFall(string joinedReads)
    {
        var reads = joinedReads.Split('|');
        var splitter = new LineSplitter((text, _) => _lines.Add(text), (text, _) => _redraws.Add(text)) { EndsAfter = ["the API. (y/n): "] };
        foreach (var read in reads)
        {
            splitter.Feed(read);
        }

        splitter.Finish();

        Assert.Equal(["Running", "", "the API. (y/n): ", "Getting starting squad for 742663"], _lines);
    }

    [Fact]
    public void WithoutEndsAfter_APromptAndTheNextTextShareALine()
    {
        var splitter = Create();
        splitter.Feed("the API. (y/n): ");
        splitter.Feed("Getting starting squad\n");

        Assert.Equal(["the API. (y/n): Getting starting squad"], _lines);
    }
}

public sealed class CommandCatalogueTests
{
    [Fact]
    public void ADestructiveOption_NeedsConfirm_WhichIsNeverPassedToTheCli()
    {
        var command = new JobCommand
        {
            Name = "x",
            Description = "x",
            Executable = "x",
            Parameters =
            [
                new CommandParameter { Name = "clean", Type = ParameterType.Bool, Destructive = true, Help = "Drops everything." },
                new CommandParameter { Name = CommandCatalogue.ConfirmParameter, Type = ParameterType.Bool, ConsoleOnly = true },
            ],
        };
        var catalogue = new CommandCatalogue([command]);

        var refused = Assert.Throws<JobValidationException>(() => catalogue.Validate("x", new JsonObject { ["clean"] = true }));
        Assert.Equal("Parameter 'confirm' must be true with 'clean': Drops everything.", refused.Message);
        Assert.Throws<JobValidationException>(() => catalogue.Validate("x", new JsonObject { ["clean"] = true, ["confirm"] = false }));
        Assert.Equal(["--clean"], catalogue.Validate("x", new JsonObject { ["clean"] = true, ["confirm"] = true }).Arguments);
        Assert.Empty(catalogue.Validate("x", new JsonObject { ["clean"] = false }).Arguments);
    }

    private readonly CommandCatalogue _catalogue = new(AirsenalCommands.Peer);

    [Fact]
    public void Validate_FillsDefaultsAndBuildsAnArgumentList()
    {
        var valid = _catalogue.Validate("optimize", new JsonObject { ["weeks_ahead"] = "4", ["free_hit_week"] = 0, ["bench_boost_week"] = null });

        Assert.Equal(4, valid.Parameters["weeks_ahead"]!.GetValue<long>());
        Assert.Equal(["--weeks_ahead", "4", "--free_hit_week", "0"], valid.Arguments);
        Assert.Equal(["--weeks_ahead", "3"], _catalogue.Validate("predict", null).Arguments);
        Assert.Empty(_catalogue.Validate("pipeline", []).Arguments);
    }

    [Theory]
    [InlineData("predict", """{"weeks_ahead":0}""", "Parameter 'weeks_ahead' must be an integer from 1 to 38; got 0.")]
    [InlineData("predict", """{"weeks_ahead":2.5}""", "Parameter 'weeks_ahead' must be an integer from 1 to 38; got 2.5.")]
    [InlineData("predict", """{"weeks_ahead":true}""", "Parameter 'weeks_ahead' must be an integer from 1 to 38; got true.")]
    [InlineData("setup_db", """{"x":1}""", "Unknown parameter 'x' for command 'setup_db' (it takes no parameters).")]
    [InlineData("rm_rf", "{}", "Unknown command 'rm_rf'. Known commands: setup_db, update_db, predict, optimize, pipeline.")]
    public void Validate_RejectsWithAMessageNamingTheProblem(string command, string parameters, string message)
    {
        var ex = Assert.Throws<JobValidationException>(() => _catalogue.Validate(command, JsonNode.Parse(parameters)!.AsObject()));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void OtherParameterTypes_AreChecked()
    {
        var command = new JobCommand
        {
            Name = "x",
            Description = "x",
            Executable = "x",
            Parameters =
            [
                new CommandParameter { Name = "flag", Type = ParameterType.Bool },
                new CommandParameter { Name = "model", Type = ParameterType.Enum, Choices = ["extended", "neutral"], Default = "extended" },
                new CommandParameter { Name = "season", Type = ParameterType.String, Required = true, MaxLength = 4 },
            ],
        };
        var catalogue = new CommandCatalogue([command]);

        var valid = catalogue.Validate("x", new JsonObject { ["flag"] = "true", ["season"] = "2526" });
        Assert.Equal(["--flag", "--model", "extended", "--season", "2526"], valid.Arguments);
        Assert.DoesNotContain("--flag", catalogue.Validate("x", new JsonObject { ["flag"] = false, ["season"] = "2526", ["model"] = "neutral" }).Arguments);
        Assert.Contains("one of extended, neutral", Assert.Throws<JobValidationException>(() => catalogue.Validate("x", new JsonObject { ["season"] = "2526", ["model"] = "other" })).Message, StringComparison.Ordinal);
        Assert.Contains("is required", Assert.Throws<JobValidationException>(() => catalogue.Validate("x", [])).Message, StringComparison.Ordinal);
        Assert.Throws<JobValidationException>(() => catalogue.Validate("x", new JsonObject { ["season"] = "--rm" }));
        Assert.Throws<JobValidationException>(() => catalogue.Validate("x", new JsonObject { ["season"] = "25262" }));
        Assert.Throws<JobValidationException>(() => catalogue.Validate("x", new JsonObject { ["season"] = "2526", ["flag"] = 1 }));
    }

    [Fact]
    public void LaterRegistration_ReplacesACommand()
    {
        var replaced = AirsenalCommands.Peer.Single(c => c.Name == AirsenalCommandNames.Predict) with { Description = "mine" };
        var catalogue = new CommandCatalogue([.. AirsenalCommands.Peer, replaced]);

        Assert.Equal("mine", catalogue.Find("predict")!.Description);
        Assert.Equal(5, catalogue.All.Count);
    }
}

public sealed class RetryPolicyTests
{
    [Theory]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(3, 240)]
    [InlineData(30, 3600)]
    public void Delay_DoublesPerAttempt_AndIsCapped(int failedAttempts, double seconds)
    {
        var options = new JobOptions { JobRetryDelaySeconds = 60, JobRetryMaxDelaySeconds = 3600 };

        Assert.Equal(seconds, RetryPolicy.Delay(options, failedAttempts, 0.5).TotalSeconds, 3);
        Assert.Equal(seconds * 0.9, RetryPolicy.Delay(options, failedAttempts, 0).TotalSeconds, 3);
        Assert.Equal(seconds * 1.1, RetryPolicy.Delay(options, failedAttempts, 1).TotalSeconds, 3);
    }
}

public sealed class JobNotifierTests
{
    [Fact]
    public async Task Subscriber_GetsItsJobsEvents_AndTheAllFeedGetsChanges()
    {
        var notifier = new JobNotifier();
        using var one = notifier.Subscribe("a");
        using var all = notifier.SubscribeAll();
        var job = new JobRecord { Id = "a", Command = "predict" };

        notifier.Publish(new JobLinesEvent("a", [new LogLine(1, DateTimeOffset.UnixEpoch, LogSource.Stdout, "x")]));
        notifier.Publish(new JobLinesEvent("b", []));
        notifier.Publish(new JobChangedEvent(job));

        Assert.IsType<JobLinesEvent>(await one.Events.ReadAsync());
        Assert.IsType<JobChangedEvent>(await one.Events.ReadAsync());
        Assert.False(one.Events.TryRead(out _));
        Assert.Equal("a", Assert.IsType<JobChangedEvent>(await all.Events.ReadAsync()).JobId);
        Assert.False(all.Events.TryRead(out _));
    }

    [Fact]
    public async Task SlowSubscriber_IsDroppedToCatchUp_WithoutBlockingThePublisher()
    {
        var notifier = new JobNotifier();
        using var slow = notifier.Subscribe("a", capacity: 2);
        using var fast = notifier.Subscribe("a", capacity: 100);

        for (var i = 0; i < 10; i++)
        {
            notifier.Publish(new JobProgressLineEvent("a", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.True(slow.Lagged);
        Assert.False(fast.Lagged);
        var received = new List<JobEvent>();
        await foreach (var e in slow.Events.ReadAllAsync())
        {
            received.Add(e);
        }

        Assert.Equal(2, received.Count);
        var count = 0;
        while (fast.Events.TryRead(out _))
        {
            count++;
        }

        Assert.Equal(10, count);
    }
}

public sealed class AnsiAndDisplayTests
{
    [Fact]
    public void Strip_RemovesColourCodes()
    {
        Assert.Equal("green text", Ansi.Strip("\u001b[32mgreen\u001b[0m text"));
        Assert.Equal("plain", Ansi.Strip("plain"));
    }

    [Theory]
    [InlineData("\u001b]0;unterminated title", "]0;unterminated title")]
    [InlineData("\u001b[hello", "[hello")]
    [InlineData("a\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\b", "alinkb")]
    [InlineData("end\u001b", "end")]
    public void Strip_ReadsSequencesAsTheViewDoes_WhatIsNoSequenceStays(string text, string plain)
    {
        Assert.Equal(plain, Ansi.Strip(text));
    }

    [Fact]
    public void WaitingRetry_IsShownAsRetrying()
    {
        var job = new JobRecord { Id = "a", Command = "x", Status = JobStatus.Pending };

        Assert.Equal("pending", JobDisplay.Status(job));
        Assert.Equal("retrying", JobDisplay.Status(job with { RetryCount = 1, NextAttemptAt = DateTimeOffset.UnixEpoch }));
        Assert.Equal("cancelling", JobDisplay.Status(job with { Status = JobStatus.Cancelling }));
    }

    [Fact]
    public void CommandLine_QuotesArgumentsAShellWouldSplit()
    {
        Assert.Equal("a --x 'two words' 'it'\\''s'", JobRunner.FormatCommandLine("a", ["--x", "two words", "it's"]));
    }
}
