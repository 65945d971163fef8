using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.Extensions.Hosting;

namespace AirsenalOps.Core.Airsenal;

/// <summary>
/// The Python that runs AIrsenal. <paramref name="Supported"/> is null while the check runs, then whether
/// AIrsenal's declared range (<see cref="AirsenalPython.SupportedRange"/>) holds the version.
/// </summary>
public sealed record AirsenalPythonInfo(string? Path, string? Version, bool? Supported, string? Error);

/// <summary>
/// Finds the interpreter of the airsenal_* executables (their shebang, as the kernel would run them) and asks it
/// its version once. The peer console reported the Python it ran on itself; ours is .NET, so the Python that
/// matters is the one AIrsenal runs on, which is not necessarily the one first on PATH (uv and pip installs write
/// the virtual environment's interpreter into the shebang).
/// </summary>
public sealed partial class AirsenalPython(AirsenalCli cli)
{
    /// <summary>AIrsenal 1.15's pyproject: requires-python = "&gt;=3.10,&lt;4".</summary>
    public const string SupportedRange = ">=3.10,<4";

    private static readonly Version Minimum = new(3, 10);
    private static readonly Version Below = new(4, 0);

    /// <summary>A stuck interpreter (a network file system, a broken venv) must not hold the probe forever.</summary>
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    private readonly Lazy<Task<AirsenalPythonInfo>> _info = new(() => Task.Run(() => ProbeAsync(cli)));

    /// <summary>Starts the probe (once) and returns it.</summary>
    public Task<AirsenalPythonInfo> GetInfoAsync() => _info.Value;

    /// <summary>The probe's answer if it has one, without waiting: health answers at once, whatever the probe does.</summary>
    public AirsenalPythonInfo Current
    {
        get
        {
            var probe = _info.Value;
            return probe.IsCompletedSuccessfully ? probe.Result : new AirsenalPythonInfo(null, null, null, "check still running");
        }
    }

    /// <summary>Whether AIrsenal supports this Python version ("3.12.1"); false for text that is no version.</summary>
    public static bool IsSupported(string version)
    {
        var match = VersionText().Match(version);
        if (!match.Success)
        {
            return false;
        }

        var parsed = new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        return parsed >= Minimum && parsed < Below;
    }

    /// <summary>
    /// The interpreter a script's first line names, resolved to a file: "#!/path/python", "#!/usr/bin/env [-S] python3"
    /// (looked up on PATH as env would), or pip's "#!/bin/sh" + "'''exec' /path/python" wrapper for long paths.
    /// Null when the file is not a script or the interpreter cannot be found.
    /// </summary>
    internal static string? InterpreterOf(string script, Func<string, string?> onPath)
    {
        string[] head;
        using (var stream = File.OpenRead(script))
        {
            var buffer = new byte[4096];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read < 3 || buffer[0] != '#' || buffer[1] != '!')
            {
                return null;
            }

            head = Encoding.UTF8.GetString(buffer, 0, read).Split('\n', 3);
        }

        var words = head[0][2..].Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return null;
        }

        var program = words[0];
        if (System.IO.Path.GetFileName(program) == "env")
        {
            // env's own options (-S, -i, -u NAME) come before the program; NAME=value pairs set variables.
            var rest = words.Skip(1).SkipWhile(w => w.StartsWith('-') || w.Contains('=')).ToList();
            if (rest.Count == 0)
            {
                return null;
            }

            program = rest[0].Contains('/') ? rest[0] : onPath(rest[0]) ?? string.Empty;
        }
        else if (System.IO.Path.GetFileName(program) is "sh" or "bash" && head.Length > 1 && PipExecWrapper().Match(head[1]) is { Success: true } wrapped)
        {
            program = wrapped.Groups[1].Value;
        }

        return program.Length > 0 && File.Exists(program) ? program : null;
    }

    private static async Task<AirsenalPythonInfo> ProbeAsync(AirsenalCli cli)
    {
        var script = cli.Resolve(AirsenalCli.ProbeExecutable);
        if (script is null)
        {
            return new AirsenalPythonInfo(null, null, false, $"{AirsenalCli.ProbeExecutable} not found");
        }

        string? interpreter;
        try
        {
            interpreter = InterpreterOf(script, name => AirsenalCli.Resolve(new AirsenalOptions(), name));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new AirsenalPythonInfo(null, null, false, $"{script} cannot be read: {ex.GetType().Name}");
        }

        if (interpreter is null)
        {
            return new AirsenalPythonInfo(null, null, false, $"the interpreter in {script}'s first line was not found");
        }

        try
        {
            using var timeout = new CancellationTokenSource(ProbeTimeout);
            // -I: no user site, PYTHON* variables or startup file, so only the interpreter answers.
            var result = await Cli.Wrap(interpreter)
                .WithArguments(["-I", "-c", "import sys; print('.'.join(map(str, sys.version_info[:3])))"])
                .WithStandardInputPipe(PipeSource.Null)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
            var version = result.StandardOutput.Trim();
            return result.ExitCode == 0 && VersionText().IsMatch(version)
                ? new AirsenalPythonInfo(interpreter, version, IsSupported(version), null)
                : new AirsenalPythonInfo(interpreter, null, false, $"{interpreter} exited {result.ExitCode} without a version");
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new AirsenalPythonInfo(interpreter, null, false, $"{interpreter} failed: {ex.GetType().Name}");
        }
    }

    [GeneratedRegex(@"^(\d+)\.(\d+)\.\d+$")]
    private static partial Regex VersionText();

    [GeneratedRegex(@"^'''exec' ""?([^""\s]+)""?")]
    private static partial Regex PipExecWrapper();
}

/// <summary>Starts the slow AIrsenal probes at start-up, without waiting for them, so no request ever waits.</summary>
internal sealed class AirsenalProbeWarmup(AirsenalCli cli, AirsenalPython python) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Off the start-up thread too: starting a process takes a few milliseconds the first answer need not wait for.
        _ = Task.Run(cli.GetInfoAsync, CancellationToken.None);
        _ = python.GetInfoAsync();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
