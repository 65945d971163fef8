using System.Text.Json.Nodes;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>Picks the parser for a console command and builds its JobRecord.Output document.</summary>
public static class AirsenalOutputParser
{
    /// <summary>The parsed output for <paramref name="command"/>, or null when its output has nothing to report.</summary>
    public static JsonObject? Parse(string command, IReadOnlyList<string> lines, DateTimeOffset generatedAt, JsonObject? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return command switch
        {
            "predict" => PredictionParser.ParseToJson(lines, generatedAt, parameters),
            // A new team makes the optimiser build a squad from scratch instead of a strategy.
            "optimize" => OptimisationParser.ParseToJson(lines) ?? SquadParser.ParseToJson(lines),
            "make_squad" => SquadParser.ParseToJson(lines),
            "check_data" => DataCheckParser.ParseToJson(lines),
            "update_db" => UpdateDbParser.ParseToJson(lines),
            "setup_db" => SetupDbParser.ParseToJson(lines),
            "pipeline" => PipelineParser.Parse(lines, generatedAt, parameters),
            "set_lineup" => SetLineupParser.ParseToJson(lines),
            _ => null,
        };
    }
}
