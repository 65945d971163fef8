using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Jobs;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>Runs the parser the command's registry entry names and builds its JobRecord.Output document.</summary>
public static class AirsenalOutputParser
{
    /// <summary>The parsed output for <paramref name="command"/>, or null when its output has nothing to report.</summary>
    public static JsonObject? Parse(string command, IReadOnlyList<string> lines, DateTimeOffset generatedAt, JsonObject? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return AirsenalCommands.Find(command)?.Parser?.Invoke(lines, generatedAt, parameters);
    }
}
