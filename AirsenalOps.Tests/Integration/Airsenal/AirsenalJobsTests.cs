using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Airsenal;

/// <summary>
/// The AIrsenal commands through the real job engine, against fake AIrsenal scripts (Fixtures/airsenal-output/bin).
/// Hand-written on purpose: these cases are the database copy-back (a marker written into AIRSENAL_DB_FILE), the
/// environment the job sees, and failures no recording shows (no predictions, a failed update, an existing
/// database, a team-id prompt, make_transfers/set_lineup). What the real program prints is played from its
/// recordings in <see cref="RealReplayTests"/>.
/// </summary>
public sealed class AirsenalJobsTests : IDisposable
{
    private static readonly string BinDir = PrepareBin();
    private readonly Dictionary<string, string> _secrets = new() { ["FPL_TEAM_ID"] = "742663" };
    private readonly AirsenalFactory _factory;

    public AirsenalJobsTests()
    {
        _factory = new AirsenalFactory(_secrets);
    }

    public void Dispose() => _factory.Dispose();

    private JobService Jobs => _factory.Services.GetRequiredService<JobService>();

    private AirsenalDatabase Database => _factory.Services.GetRequiredService<AirsenalDatabase>();

    private async Task<JobRecord> RunAsync(string command, JsonObject? parameters = null)
    {
        var job = await Jobs.CreateAsync(command, parameters, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var current = await Jobs.GetAsync(job.Id, CancellationToken.None);
            if (current is { IsFinished: true })
            {
                return current;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{command} did not finish");
    }

    private async Task<List<string>> LinesAsync(string id)
    {
        var lines = new List<string>();
        await foreach (var line in Jobs.ReadAllLogsAsync(id, CancellationToken.None))
        {
            lines.Add(line.Text);
        }

        return lines;
    }

    private void WritePersistent(string marker)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Database.PersistentPath)!);
        using var connection = new SqliteConnection($"Data Source={Database.PersistentPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE marker (value TEXT); INSERT INTO marker VALUES ($v);";
        command.Parameters.AddWithValue("$v", marker);
        command.ExecuteNonQuery();
    }

    private string ReadPersistent()
    {
        using var connection = new SqliteConnection($"Data Source={Database.PersistentPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM marker";
        return (string)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Predict_RunsOnTheLocalCopy_ParsesItsSummary_AndSavesTheDatabase()
    {
        WritePersistent("v0");

        var job = await RunAsync("predict", new JsonObject { ["weeks_ahead"] = 3 });

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal("prediction", job.Output!["type"]!.GetValue<string>());
        Assert.Equal(3, job.Output["parameters"]!["weeks_ahead"]!.GetValue<int>());
        Assert.Equal("Raya", job.Output["players"]![0]!["player"]!.GetValue<string>());
        Assert.Equal("predicted", ReadPersistent());
        Assert.Single(Database.ListBackups());
        Assert.False(Database.InUse);
        var lines = await LinesAsync(job.Id);
        Assert.Contains($"db={Database.LocalPath} home={Path.Combine(Path.GetDirectoryName(Database.PersistentPath)!, "home")}", lines);
    }

    [Fact]
    public async Task Optimize_WithoutLogin_AnswersNo_CountsStrategyFiles_AndParsesTheStrategy()
    {
        WritePersistent("v0");

        var job = await RunAsync("optimize", new JsonObject { ["max_transfers"] = 2, ["num_thread"] = 2 });

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal("airsenal_run_optimization --weeks_ahead 3 --max_transfers 2 --num_thread 2", job.CommandLine);
        Assert.Equal("optimisation", job.Output!["type"]!.GetValue<string>());
        Assert.Equal(158.9, job.Output["best_points"]!.GetValue<double>());
        Assert.Equal("M.Salah", job.Output["captain"]!.GetValue<string>());
        // The bar never left 25 %; the files reached 4 of 4.
        Assert.True(job.Progress > 25, $"progress {job.Progress}");
        var lines = await LinesAsync(job.Id);
        Assert.Contains(lines, l => l.EndsWith("answer n", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("login prompt is answered 'n'", StringComparison.Ordinal));
        Assert.Equal("optimised", ReadPersistent());
    }

    [Fact]
    public async Task Optimize_WithoutPredictions_FailsOnce_WithAHint_AndKeepsThePersistentCopy()
    {
        WritePersistent("v0");
        _secrets["FAKE_SCENARIO"] = "missing_predictions";

        var job = await RunAsync("optimize");

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("run predict", job.Hint, StringComparison.Ordinal);
        // The error is the line that explains the failure: AIrsenal's exception.
        Assert.StartsWith("ValueError: Database does not contain pre", job.Error, StringComparison.Ordinal);
        Assert.Single(job.Attempts);
        Assert.Equal("v0", ReadPersistent());
        Assert.Empty(Database.ListBackups());
    }

    [Fact]
    public async Task FailedUpdate_NeverOverwritesThePersistentCopy_AndExplainsTheFix()
    {
        WritePersistent("v0");
        _secrets["FAKE_SCENARIO"] = "fail";

        var job = await RunAsync("update_db");

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("setup_db with clean", job.Hint, StringComparison.Ordinal);
        Assert.Equal("v0", ReadPersistent());
    }

    [Fact]
    public async Task SetupDb_OnAnExistingDatabase_ExitsZeroButIsFailed_WithTheFix()
    {
        WritePersistent("v0");
        _secrets["FAKE_SCENARIO"] = "exists";

        var job = await RunAsync("setup_db", new JsonObject { ["n_previous"] = 2 });

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(0, job.ExitCode);
        Assert.Contains("update_db", job.Error, StringComparison.Ordinal);
        Assert.Equal("v0", ReadPersistent());
    }

    [Fact]
    public async Task APromptForTheTeamId_FailsFast_NamingTheSecret()
    {
        _secrets["FAKE_SCENARIO"] = "prompt";

        var job = await RunAsync("check_data");

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("FPL_TEAM_ID", job.Error, StringComparison.Ordinal);
        Assert.Single(job.Attempts);
    }

    [Fact]
    public async Task MissingTeamIdSecret_FailsBeforeStarting()
    {
        _secrets.Remove("FPL_TEAM_ID");

        var job = await RunAsync("update_db");

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("FPL_TEAM_ID", job.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(await LinesAsync(job.Id), l => l.StartsWith("airsenal_update_db", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckData_IsParsed_AndDoesNotRewriteTheDatabase()
    {
        WritePersistent("v0");

        var job = await RunAsync("check_data");

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.False(job.Output!["passed"]!.GetValue<bool>());
        Assert.Empty(Database.ListBackups());
    }

    [Fact]
    public async Task MakeTransfers_NeedsConfirm_PassesConfirmOnlyWhenTrue_AndIsNeverRetried()
    {
        _secrets["FPL_LOGIN"] = "me@example.com";
        _secrets["FPL_PASSWORD"] = "pw-secret";

        var missing = await Assert.ThrowsAsync<JobValidationException>(() => Jobs.CreateAsync("make_transfers", null, CancellationToken.None));
        var declined = await Assert.ThrowsAsync<JobValidationException>(
            () => Jobs.CreateAsync("make_transfers", new JsonObject { ["confirm"] = false }, CancellationToken.None));
        var confirmed = await RunAsync("make_transfers", new JsonObject { ["confirm"] = true });

        Assert.Contains("confirm", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'confirm' must be true", declined.Message, StringComparison.Ordinal);
        Assert.Equal(0, confirmed.MaxRetries);
        Assert.Equal(JobStatus.Completed, confirmed.Status);
        Assert.Equal("airsenal_make_transfers --confirm", confirmed.CommandLine);
        Assert.Contains("Transfers made!", await LinesAsync(confirmed.Id));
    }

    [Fact]
    public async Task SetLineup_WithoutLoginSecrets_FailsBeforeStarting()
    {
        var job = await RunAsync("set_lineup", new JsonObject { ["confirm"] = true });

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("FPL_LOGIN and FPL_PASSWORD", job.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalogue_HasEveryAirsenalCommand_WithRangesTheUiCanRender()
    {
        var catalogue = _factory.Services.GetRequiredService<CommandCatalogue>();

        foreach (var name in new[] { "setup_db", "update_db", "predict", "optimize", "pipeline", "make_squad", "make_transfers", "set_lineup", "check_data", "replay_season" })
        {
            Assert.NotNull(catalogue.Find(name));
        }

        var maxTransfers = catalogue.Find("optimize")!.Parameters.Single(p => p.Name == "max_transfers");
        Assert.Equal((0L, 5L), (maxTransfers.Min, maxTransfers.Max));
        Assert.True(catalogue.Find("set_lineup")!.NeedsConfirm);
        Assert.False(catalogue.Find("make_transfers")!.RetrySafe);
        var bad = Assert.Throws<JobValidationException>(() => catalogue.Validate("optimize", new JsonObject { ["max_transfers"] = 9 }));
        Assert.Contains("max_transfers", bad.Message, StringComparison.Ordinal);
        Assert.Contains("0 to 5", bad.Message, StringComparison.Ordinal);
        Assert.Throws<JobValidationException>(() => catalogue.Validate("replay_season", null));
        Assert.Throws<JobValidationException>(() => catalogue.Validate("predict", new JsonObject { ["team_model"] = "poisson" }));
        // Rebuilding the database from scratch needs the same explicit yes as changing the real team.
        Assert.Contains("'confirm' must be true with 'clean'", Assert.Throws<JobValidationException>(() => catalogue.Validate("setup_db", new JsonObject { ["clean"] = true })).Message, StringComparison.Ordinal);
        Assert.Throws<JobValidationException>(() => catalogue.Validate("pipeline", new JsonObject { ["clean"] = true }));
        Assert.Equal(["--clean"], catalogue.Validate("pipeline", new JsonObject { ["clean"] = true, ["confirm"] = true }).Arguments);
    }

    private static string PrepareBin()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "airsenal-output", "bin");
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in Directory.GetFiles(dir, "airsenal_*"))
            {
                File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return dir;
    }

    private sealed class AirsenalFactory(Dictionary<string, string> secrets) : ConsoleFactory(new Dictionary<string, string?>
    {
        ["AIRSENAL_BIN_DIR"] = BinDir,
        ["MAX_JOB_RETRIES"] = "2",
        ["JOB_RETRY_DELAY_SECONDS"] = "1",
    })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<ISecretReader>(new LiveSecrets(secrets)));
        }
    }

    /// <summary>Secrets the test can change between jobs.</summary>
    private sealed class LiveSecrets(Dictionary<string, string> values) : ISecretReader
    {
        public Task<IReadOnlyDictionary<string, string>> ReadAllAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(values));
    }
}
