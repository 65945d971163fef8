using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Unit.Airsenal;

/// <summary>Each failure hint against the text the real AIrsenal 1.15 printed.</summary>
public sealed class RealFailureHintTests
{
    [Fact]
    public void DbFileAndDbUri_IsAConfigurationError_ThatFailsTheJob()
    {
        var hint = FailureHints.Find(RealOutput.Recording("fail-db_file_and_db_uri.jsonl").Select(l => l.Text))!;

        Assert.Equal("db_uri_conflict", hint.Code);
        Assert.True(hint.FailsJob);
        Assert.Equal(hint, FailureHints.Find(RealOutput.Lines("err_db_uri_conflict.txt")));
    }

    [Fact]
    public void BadTeamId_IsNamed()
    {
        var hint = FailureHints.Find(RealOutput.Lines("err_bad_team_id.txt"))!;

        Assert.Equal("bad_team_id", hint.Code);
        Assert.True(hint.FailsJob);
        Assert.Contains("FPL_TEAM_ID", hint.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LoginWithCredentialsThatFails_IsAWarning_ThatDoesNotFailTheJob()
    {
        var hint = FailureHints.Find(RealOutput.Lines("login_with_credentials_vs_stub.txt"))!;

        Assert.Equal("login_failed", hint.Code);
        Assert.False(hint.FailsJob);
    }

    [Fact]
    public void ASuccessfulRunWithoutCredentials_HasNoHint()
    {
        // "Credentials not provided." then "Login failed due to the error above", the 403s and the bars: all expected.
        Assert.Null(FailureHints.Find(RealOutput.Lines("run_optimization.stderr.txt")));
        Assert.Null(FailureHints.Find(RealOutput.Recording("run_optimization.jsonl").Select(l => l.Text)));
        Assert.Null(FailureHints.Find(RealOutput.Lines("setup_initial_db.stderr.txt")));
        Assert.Null(FailureHints.Find(RealOutput.Lines("update_db.stdout.txt")));
        Assert.Null(FailureHints.Find(RealOutput.Lines("make_squad.stdout.txt")));
    }

    [Fact]
    public void LoginPromptAtEof_IsDetectedAsThePrompt()
    {
        var lines = RealOutput.Recording("run_optimization-login_prompt_eof.jsonl");

        Assert.Contains(lines, l => l.Source == LogSource.Stderr && l.Text.Contains("EOF when reading a line", StringComparison.Ordinal));
        Assert.Equal("FPL_LOGIN", lines.Select(l => PromptDetector.Detect(l.Text)).First(p => p is not null)!.MissingSecret);
    }

    [Theory]
    // Texts of the real library in the shape the real outputs show for FPL's 403 ("403 Client Error: Forbidden for url: ...").
    [InlineData("HTTPError Unable to access FPL API: 429 Client Error: Too Many Requests for url: https://fantasy.premierleague.com/api/bootstrap-static/", "rate_limited", false)]
    [InlineData("sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such column: player.display_name", "schema_outdated", true)]
    [InlineData("sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: player", "schema_missing", true)]
    [InlineData("ERROR: Database does not contain predictions for all the specified optimsation gameweeks.", "missing_predictions", true)]
    public void CommonFailures_HaveTheirHint(string line, string code, bool failsJob)
    {
        var hint = FailureHints.Find(["Running optimization with fpl_team_id 742663", line])!;

        Assert.Equal((code, failsJob), (hint.Code, hint.FailsJob));
    }
}
