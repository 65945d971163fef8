using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Airsenal;

/// <summary>What the console knows about the installed AIrsenal CLI.</summary>
public sealed record AirsenalCliInfo(bool Found, string? Path, string? Version, string? Error);

/// <summary>Finds AIrsenal's executables and asks the installed version once.</summary>
public sealed partial class AirsenalCli(IOptions<AirsenalOptions> options)
{
    /// <summary>An entry point every AIrsenal release has; its presence means the CLI is installed.</summary>
    public const string ProbeExecutable = "airsenal_run_prediction";

    private readonly Lazy<Task<AirsenalCliInfo>> _info = new(() => ProbeAsync(options.Value));

    /// <summary>The full path of an AIrsenal executable, or null when it is not installed.</summary>
    public string? Resolve(string executable) => Resolve(options.Value, executable);

    /// <summary>Found/path at once; the version comes from `airsenal_env get`, asked once and cached.</summary>
    public Task<AirsenalCliInfo> GetInfoAsync() => _info.Value;

    internal static string? Resolve(AirsenalOptions options, string executable)
    {
        IEnumerable<string> folders = string.IsNullOrWhiteSpace(options.BinDir)
            ? (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            : [options.BinDir];
        return folders.Select(folder => System.IO.Path.Combine(folder, executable)).FirstOrDefault(File.Exists);
    }

    private static async Task<AirsenalCliInfo> ProbeAsync(AirsenalOptions options)
    {
        var probe = Resolve(options, ProbeExecutable);
        var env = Resolve(options, "airsenal_env");
        if (probe is null || env is null)
        {
            return new AirsenalCliInfo(false, probe, null, $"{ProbeExecutable} not found on {(options.BinDir is null ? "PATH" : "AIRSENAL_BIN_DIR")}");
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            // `airsenal_env get` also prints FPL_PASSWORD in plain text: only the version line is kept.
            var result = await Cli.Wrap(env).WithArguments(["get"])
                .WithStandardInputPipe(PipeSource.Null)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
            var match = VersionLine().Match(result.StandardOutput);
            return match.Success
                ? new AirsenalCliInfo(true, probe, match.Groups[1].Value.Trim(), null)
                : new AirsenalCliInfo(true, probe, null, $"airsenal_env get exited {result.ExitCode} without a version");
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new AirsenalCliInfo(true, probe, null, "airsenal_env get failed: " + ex.GetType().Name);
        }
    }

    [GeneratedRegex(@"^AIRSENAL_VERSION:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex VersionLine();
}
