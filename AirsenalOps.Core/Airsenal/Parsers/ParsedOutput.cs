using System.Text.Json;
using System.Text.Json.Nodes;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>
/// Reads a stored JobRecord.Output back into the parser's record. Outputs written by other versions (or by
/// the peer console) may lack fields: those read as null, so a page falls back to the raw document instead
/// of showing half a record.
/// </summary>
public static class ParsedOutput
{
    private static readonly JsonSerializerOptions Strict = new(OutputText.JsonOptions)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The "type" every parser writes ("prediction", "optimisation", "squad", ...), or null.</summary>
    public static string? TypeOf(JsonObject? output) =>
        output?["type"] is JsonValue value && value.TryGetValue<string>(out var type) ? type : null;

    public static T? Read<T>(JsonNode? node)
        where T : class => Read(node, typeof(T)) as T;

    /// <summary>The output read as <paramref name="record"/> (a registry output kind's record), or null.</summary>
    public static object? Read(JsonNode? node, Type record)
    {
        if (node is not JsonObject)
        {
            return null;
        }

        try
        {
            return node.Deserialize(record, Strict);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
