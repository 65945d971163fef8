using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>The console with the fake AIrsenal scripts as its CLI, test commands, test secrets and a test token.</summary>
public sealed class JobsFactory : ConsoleFactory
{
    public const string Password = "hunter2-very-secret";

    private readonly Action<IServiceCollection>? _services;

    public JobsFactory(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
        : base(Merge(settings))
    {
        _services = services;
    }

    private string? _token;

    /// <summary>An admin token from the real login (the API and the WebSocket check it).</summary>
    public async Task<string> TokenAsync()
    {
        using var client = CreateClient();
        return _token ??= await AuthTestData.LoginAsync(client);
    }

    /// <summary>A client that sends the admin's bearer token.</summary>
    public async Task<HttpClient> AdminClientAsync() => this.Authorized(await TokenAsync());

    public JobService Jobs => Services.GetRequiredService<JobService>();

    public IStorage Storage => Services.GetRequiredService<IStorage>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ISecretReader>(new TestSecrets());
            foreach (var command in TestCommands.All)
            {
                services.AddJobCommand(command);
            }

            _services?.Invoke(services);
        });
    }

    /// <summary>Polls until <paramref name="condition"/> holds (30 s by default: the machine may be loaded).</summary>
    public async Task<JobRecord> WaitForJobAsync(string id, Func<JobRecord, bool> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JobRecord? job = null;
        while (DateTime.UtcNow < deadline)
        {
            job = await Jobs.GetAsync(id, CancellationToken.None);
            if (job is not null && condition(job))
            {
                return job;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Job {id} did not reach the expected state; last: {job?.Status} {job?.Error}");
    }

    public Task<JobRecord> WaitForFinishAsync(string id, int seconds = 30) => WaitForJobAsync(id, j => j.IsFinished, seconds);

    public async Task<List<LogLine>> AllLinesAsync(string id)
    {
        var lines = new List<LogLine>();
        await foreach (var line in Jobs.ReadAllLogsAsync(id, CancellationToken.None))
        {
            lines.Add(line);
        }

        return lines;
    }

    private static Dictionary<string, string?> Merge(IReadOnlyDictionary<string, string?>? settings)
    {
        var merged = new Dictionary<string, string?>(AuthTestData.Settings());
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["AIRSENAL_BIN_DIR"] = FakeAirsenal.Directory,
            ["MAX_JOB_RETRIES"] = "0",
            ["JOB_RETRY_DELAY_SECONDS"] = "1",
            ["JOB_CANCEL_GRACE_SECONDS"] = "1",
        })
        {
            merged[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        return merged;
    }

    private sealed class TestSecrets : ISecretReader
    {
        public Task<IReadOnlyDictionary<string, string>> ReadAllAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>
            {
                ["FPL_PASSWORD"] = Password,
                ["FPL_TEAM_ID"] = "1234567",
            });
    }
}

/// <summary>The fake AIrsenal scripts copied next to the tests.</summary>
public static class FakeAirsenal
{
    public static string Directory { get; } = Prepare();

    private static string Prepare()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "fake-airsenal");
        if (OperatingSystem.IsWindows())
        {
            return dir;
        }

        foreach (var file in System.IO.Directory.GetFiles(dir))
        {
            // The build copy may lose the executable bit on some file systems.
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return dir;
    }
}

/// <summary>Commands over the fake_job script, one per behaviour under test.</summary>
public static partial class TestCommands
{
    private static CommandParameter Count => new() { Name = "count", Type = ParameterType.Int, Default = 10L, Min = 1, Max = 10_000_000 };

    public static JobCommand Lines { get; } = Fake("lines", [Count]);

    public static JobCommand Progress { get; } = Fake("progress", [Count]);

    public static JobCommand Tree { get; } = Fake("tree", []);

    public static JobCommand Hang { get; } = Fake("hang", []) with { IdleTimeout = TimeSpan.FromSeconds(2) };

    public static JobCommand Chatty { get; } = Fake("chatty", []) with { MaxRunTime = TimeSpan.FromSeconds(3) };

    public static JobCommand Endless { get; } = Fake("chatty", []) with { Name = "endless" };

    public static JobCommand Fail { get; } = Fake("fail", []);

    public static JobCommand Ok { get; } = Fake("ok", []);

    public static JobCommand Stdin { get; } = Fake("stdin", []);

    public static JobCommand StdinAnswered { get; } = Fake("stdin", []) with { Name = "stdin_answered", Hooks = new AnswerNo() };

    public static JobCommand Env { get; } = Fake("env", [new CommandParameter { Name = "var", Type = ParameterType.String, Required = true }]);

    /// <summary>Prints the value of the secret <c>var</c> names split by escape codes and across the line length limit.</summary>
    public static JobCommand Leak { get; } = Fake("leak", [new CommandParameter { Name = "var", Type = ParameterType.String, Required = true }]);

    public static JobCommand Hooked { get; } = Fake("progress", [Count]) with { Name = "hooked", Hooks = new ProgressHooks() };

    public static IReadOnlyList<JobCommand> All { get; } = [Lines, Progress, Tree, Hang, Chatty, Endless, Fail, Ok, Stdin, StdinAnswered, Env, Leak, Hooked];

    private static JobCommand Fake(string mode, IReadOnlyList<CommandParameter> parameters) => new()
    {
        Name = mode,
        Description = "test: " + mode,
        Executable = "fake_job",
        FixedArguments = [mode],
        Parameters = parameters,
        IdleTimeout = TimeSpan.FromMinutes(5),
    };

    private sealed class AnswerNo : IJobHooks
    {
        public ValueTask<JobPreparation> PrepareAsync(JobRunContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new JobPreparation { StandardInput = "n\n", Environment = new Dictionary<string, string> { ["EXTRA"] = "1" } });
    }

    /// <summary>Reads tqdm's "Total progress" and concludes with an output, like the AIrsenal layer will.</summary>
    private sealed partial class ProgressHooks : IJobHooks
    {
        public JobProgress? OnLine(JobRunContext context, string plainText)
        {
            var match = TotalProgress().Match(plainText);
            if (!match.Success)
            {
                return null;
            }

            context.Items["last"] = plainText;
            return new JobProgress(double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(5));
        }

        public async ValueTask<JobConclusion> ConcludeAsync(JobRunContext context, JobRunResult result, CancellationToken cancellationToken)
        {
            var lines = await context.ReadLogAsync(context.FirstSeq - 1, 1000, cancellationToken);
            await context.LogAsync("parsed by the hook", cancellationToken);
            return new JobConclusion
            {
                Output = new JsonObject { ["type"] = "test", ["lines"] = lines.Count, ["last"] = context.Items.GetValueOrDefault("last") as string },
                Hint = "a hint",
            };
        }

        [GeneratedRegex(@"Total progress:\s+(\d+)%")]
        private static partial Regex TotalProgress();
    }
}
