using System.Text;
using System.Text.Json;

namespace AirsenalOps.Tests.Support;

/// <summary>
/// The replay AIrsenal (Fixtures/airsenal-real/replay): airsenal_* commands that play the timed recordings of the
/// real AIrsenal 1.15 (Fixtures/airsenal-real/recordings, byte-identical copies of shared/airsenal-real/recordings)
/// with their streams, chunks, timing, stdin reads, forked workers and exit codes. Use <see cref="Directory"/> as
/// AIRSENAL_BIN_DIR and give the job <see cref="RecordingKey"/> (and <see cref="SpeedKey"/>) as secrets, as the
/// tests give FAKE_SCENARIO; replay.py's docstring says the rest.
/// </summary>
public static class ReplayAirsenal
{
    /// <summary>The recording to play (file name without .jsonl); default: the command's name without "airsenal_".</summary>
    public const string RecordingKey = "REPLAY_RECORDING";

    /// <summary>Divides the recorded times (default 1 = real time; "max" = no waiting).</summary>
    public const string SpeedKey = "REPLAY_SPEED";

    /// <summary>A SQLite file copied over AIRSENAL_DB_FILE just before a recorded exit 0.</summary>
    public const string DatabaseKey = "REPLAY_DATABASE";

    public static string Directory { get; } = Prepare();

    public static string RecordingsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "airsenal-real", "recordings");

    public static string RecordingPath(string name) => Path.Combine(RecordingsDirectory, name + ".jsonl");

    /// <summary>What a recording holds: each stream's whole text (chunks joined), what was written to stdin, the exit.</summary>
    public static Recording Load(string name)
    {
        var output = new Dictionary<int, StringBuilder> { [0] = new(), [1] = new(), [2] = new() };
        int? exit = null;
        double seconds = 0;
        foreach (var json in File.ReadLines(RecordingPath(name), Encoding.UTF8))
        {
            using var line = JsonDocument.Parse(json);
            var root = line.RootElement;
            seconds = root.GetProperty("t").GetDouble();
            if (root.TryGetProperty("exit", out var code))
            {
                exit = code.GetInt32();
            }
            else
            {
                output[root.GetProperty("fd").GetInt32()].Append(root.GetProperty("data").GetString());
            }
        }

        return new Recording(output[1].ToString(), output[2].ToString(), output[0].ToString(), exit ?? throw new InvalidDataException(name + " has no exit line"), seconds);
    }

    private static string Prepare()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "airsenal-real", "replay");
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in System.IO.Directory.GetFiles(dir, "airsenal_*"))
            {
                // The build copy may lose the executable bit.
                File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return dir;
    }
}

/// <summary>One recording's streams as text (chunks joined), its stdin, exit code and length in seconds.</summary>
public sealed record Recording(string Stdout, string Stderr, string Stdin, int ExitCode, double Seconds)
{
    /// <summary>The stdout lines as printed: split on \n, an unterminated tail (a prompt at exit) counts as a line.</summary>
    public IReadOnlyList<string> StdoutLines => Split(Stdout);

    private static string[] Split(string text)
    {
        var parts = text.Split('\n');
        return parts[^1].Length == 0 ? parts[..^1] : parts;
    }
}
