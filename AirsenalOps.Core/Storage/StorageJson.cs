using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AirsenalOps.Core.Storage;

/// <summary>Serialisation shared by the adapters: snake_case names and lower-case enums, as the peer wrote them.</summary>
public static class StorageJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Fixed-width UTC ISO-8601 ("2026-08-08T10:00:00.0000000+00:00"): sorts as text and
    /// reads back in Python with datetime.fromisoformat.
    /// </summary>
    public static string FormatDate(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseDate(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string ToText(JobStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    // Called for every stored and streamed log line: constant strings, no allocation.
    public static string ToText(LogSource stream) => stream switch
    {
        LogSource.Stdout => "stdout",
        LogSource.Stderr => "stderr",
        LogSource.System => "system",
        _ => JsonNamingPolicy.SnakeCaseLower.ConvertName(stream.ToString()),
    };

    public static LogSource ParseSource(string text) =>
        Enum.TryParse<LogSource>(text, ignoreCase: true, out var stream) ? stream : LogSource.Stdout;
}
