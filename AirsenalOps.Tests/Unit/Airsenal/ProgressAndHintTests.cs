using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Unit.Airsenal;

public sealed class ProgressAndHintTests
{
    [Fact]
    public void Progress_ReadsPercentCountsAndRemainingTime()
    {
        var reading = ProgressParser.Parse("Total progress:  45%|████▌     | 9/20 [01:02<01:16,  6.90s/it]")!;

        Assert.Equal("Total progress", reading.Description);
        Assert.Equal(45, reading.Percent);
        Assert.Equal((9d, 20d), (reading.Done, reading.Total));
        Assert.Equal(TimeSpan.FromSeconds(62), reading.Elapsed);
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddSeconds(76), reading.EtaFrom(now));
    }

    [Fact]
    public void Progress_TakesTheLastRedrawInALine_AndFiltersByDescription()
    {
        var line = "\u001b[Astrategy: 0-1-2:  40%|████      | 40/100 [00:10<00:15]\rTotal progress:  11%|█         | 2/20 [1:01:30<2:09:00, 6.90s/it]\rstrategy: 0-1-2: 100%|██████████| 100/100 [00:25<00:00]";

        var total = ProgressParser.Parse(line, ProgressParser.OptimiserBar)!;
        var any = ProgressParser.Parse(line)!;

        Assert.Equal(11, total.Percent);
        Assert.Equal(new TimeSpan(2, 9, 0), total.Remaining);
        Assert.Equal("strategy: 0-1-2", any.Description);
        Assert.Equal(100, any.Percent);
    }

    [Fact]
    public void Progress_UnknownRemainingTime_GivesNoEta_AndPlainTextIsNoBar()
    {
        var reading = ProgressParser.Parse("REPLAY PROGRESS:   0%|          | 0/38 [00:00<?, ?it/s]", ProgressParser.ReplayBar)!;

        Assert.Null(reading.EtaFrom(DateTimeOffset.UnixEpoch));
        Assert.Null(ProgressParser.Parse("Fitting team model..."));
        Assert.Null(ProgressParser.Parse("Total progress:  11%|█| 2/20", "REPLAY PROGRESS"));
    }

    [Fact]
    public void Progress_ReadsTheWorkersFractionalCounts()
    {
        var reading = ProgressParser.Parse("strategy: 2-2-2:  88%|████████▊ | 87.61904761904742/100 [02:50<00:00, 19.80it/s]")!;

        Assert.Equal("strategy: 2-2-2", reading.Description);
        Assert.Equal((88d, 87.61904761904742, 100d), (reading.Percent, reading.Done, reading.Total));
        Assert.Equal(TimeSpan.Zero, reading.Remaining);
    }

    [Fact]
    public void BarTracker_FollowsOnlyTheMainBar_AndIgnoresTheResetAfterTheEnd()
    {
        var bar = new BarTracker(ProgressParser.OptimiserBar);

        Assert.Equal(0, bar.Read("Total progress:   0%|          | 0/27 [00:00<?, ?it/s]")!.Done);
        Assert.Null(bar.Read("strategy: 1:  13%|█▎        | 13.333333333333334/100 [00:01<00:06, 14.10it/s]"));
        Assert.Equal(4, bar.Read("Total progress:  15%|█▍        | 4/27 [00:17<01:43,  4.50s/it]")!.Done);
        // The same state drawn again is no news; an older one is not progress.
        Assert.Null(bar.Read("Total progress:  15%|█▍        | 4/27 [00:17<01:43,  4.50s/it]"));
        Assert.Null(bar.Read("Total progress:  11%|█         | 3/27 [00:17<02:23,  5.99s/it]"));
        Assert.Equal(100, bar.Read("Total progress: 100%|██████████| 27/27 [02:55<00:00,  6.50s/it]")!.Percent);
        Assert.Null(bar.Read("Total progress:   0%|          | 0/27 [03:01<?, ?it/s]"));
        Assert.Equal((100d, 27d), (bar.Current!.Percent, bar.Current.Done));
        // Another total is another bar.
        Assert.Equal(1, bar.Read("Total progress:  10%|█         | 1/10 [00:01<00:09]")!.Done);
    }

    [Fact]
    public void StrategyFiles_CountedAgainstTheBarsTotal()
    {
        using var home = new TempDirectory();
        Assert.Null(StrategyFiles.Count(home.Path));
        var folder = Directory.CreateDirectory(Path.Combine(home.Path, "airsopt")).FullName;
        foreach (var sid in new[] { "0-0-0", "0-1-0", "1-1-1" })
        {
            File.WriteAllText(Path.Combine(folder, $"strategy_tag_{sid}.json"), "{}");
        }

        File.WriteAllText(Path.Combine(folder, "other.json"), "{}");

        Assert.Equal(3, StrategyFiles.Count(home.Path));
    }

    [Theory]
    [InlineData("ERROR: Database does not contain predictions for all the specified optimsation gameweeks.", "missing_predictions", "run predict")]
    [InlineData("sqlite3.OperationalError: no such column: player.display_name", "schema_outdated", "setup_db with clean")]
    [InlineData("sqlite3.OperationalError: database or disk is full", "disk_full", "LOCAL_DB_PATH")]
    [InlineData("AIrsenal database already exists. Run 'airsenal_setup_initial_db --clean' to delete", "database_exists", "update_db")]
    [InlineData("Login failed due to the error above. Continuing without login", "login_failed", "FPL_LOGIN")]
    [InlineData("No transfer suggestions found for GW 12, 2526 season, FPL team id 1", "no_suggestions", "optimize")]
    [InlineData("Database is empty, run 'airsenal_setup_initial_db' first", "database_empty", "setup_db")]
    [InlineData("RuntimeError: FPL Team ID not provided and not found in environment variables.", "missing_team_id", "FPL_TEAM_ID")]
    public void Hints_NameTheFix_ForKnownFailures(string line, string code, string fix)
    {
        var hint = FailureHints.Match(line)!;

        Assert.Equal(code, hint.Code);
        Assert.Contains(fix, hint.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Hints_PreferAJobFailingCause_OverAWarning()
    {
        var hint = FailureHints.Find(["Login failed due to the error above.", "no such column: x"])!;

        Assert.Equal("schema_outdated", hint.Code);
        Assert.Equal("login_failed", FailureHints.Find(["Login failed due to the error above.", "ok"])!.Code);
        Assert.Null(FailureHints.Find(["all fine"]));
    }

    [Theory]
    [InlineData("Would you like to login to the FPL API? Please enter y or n (y/n): ", "FPL_LOGIN")]
    [InlineData("Please enter FPL team ID: ", "FPL_TEAM_ID")]
    [InlineData("Apply Transfers? There is no turning back! (yes/no)", null)]
    public void Prompts_AreDetected_NamingTheMissingSecret(string line, string? secret)
    {
        var hit = PromptDetector.Detect(line)!;

        Assert.Equal(secret, hit.MissingSecret);
        Assert.False(string.IsNullOrEmpty(hit.Message));
        Assert.Null(PromptDetector.Detect("Fitting team model..."));
    }
}
