using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>Turns raw process output into the plain lines every parser reads.</summary>
public static partial class OutputText
{
    /// <summary>snake_case like the peer's documents; nulls are written so the shape is stable for clients.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// tqdm redraws its bar with bare carriage returns, and colourised loggers add ANSI escapes: each
    /// \r-separated segment becomes its own line, escapes are removed and trailing blanks trimmed.
    /// </summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var result = new List<string>();
        foreach (var line in lines)
        {
            foreach (var segment in line.Split(['\r', '\n']))
            {
                result.Add(Clean(segment));
            }
        }

        return result;
    }

    /// <summary>One line without ANSI escapes or trailing whitespace.</summary>
    public static string Clean(string line) => Ansi().Replace(line ?? string.Empty, string.Empty).TrimEnd();

    /// <summary>Serialises a parse result record into the JobRecord.Output document.</summary>
    public static JsonObject ToJsonObject<T>(T value) =>
        JsonSerializer.SerializeToNode(value, JsonOptions)?.AsObject() ?? [];

    /// <summary>Serialises any value (a list of records) into a JSON node with the same options.</summary>
    public static JsonNode? ToJsonNode<T>(T value) => JsonSerializer.SerializeToNode(value, JsonOptions);

    internal static double ParseDouble(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    internal static int ParseInt(string text) => int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>AIrsenal prints "None" for an empty cell or chip.</summary>
    internal static string? NoneAsNull(string text) =>
        string.IsNullOrWhiteSpace(text) || text.Trim() == "None" ? null : text.Trim();

    [GeneratedRegex(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)|[@-Z\\-_])")]
    private static partial Regex Ansi();
}
