using System.Text;
using System.Text.Json;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Unit.Airsenal;

/// <summary>
/// What the real AIrsenal 1.15 printed (copied from shared/airsenal-real into Fixtures/airsenal-real/outputs):
/// plain stdout/stderr files, and timed recordings whose chunks are put back into lines per stream in arrival order.
/// </summary>
internal static class RealOutput
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "airsenal-real", "outputs", name);

    public static string[] Lines(string name) => File.ReadAllLines(Path(name), Encoding.UTF8);

    /// <summary>A recording's stdout and stderr as log lines in the order each line was completed (stdin and exit left out).</summary>
    public static List<(LogSource Source, string Text)> Recording(string name)
    {
        var lines = new List<(LogSource, string)>();
        var partial = new Dictionary<int, StringBuilder> { [1] = new(), [2] = new() };
        foreach (var json in File.ReadLines(Path(name), Encoding.UTF8))
        {
            using var chunk = JsonDocument.Parse(json);
            if (!chunk.RootElement.TryGetProperty("fd", out var fd) || fd.GetInt32() is not (1 or 2) || chunk.RootElement.GetProperty("data").GetString() is not { } data)
            {
                continue;
            }

            var buffer = partial[fd.GetInt32()];
            buffer.Append(data);
            var text = buffer.ToString();
            var parts = text.Split('\n');
            for (var i = 0; i < parts.Length - 1; i++)
            {
                lines.Add((fd.GetInt32() == 1 ? LogSource.Stdout : LogSource.Stderr, parts[i]));
            }

            buffer.Clear().Append(parts[^1]);
        }

        foreach (var (fd, rest) in partial.Where(p => p.Value.Length > 0))
        {
            lines.Add((fd == 1 ? LogSource.Stdout : LogSource.Stderr, rest.ToString()));
        }

        return lines;
    }
}
