using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>A pipeline stage with the marker that started it and whether its completion marker appeared.</summary>
public sealed record PipelineStage(string Name, bool Completed);

/// <summary>airsenal_run_pipeline's stage markers (reference §2.8).</summary>
public static partial class PipelineParser
{
    private static readonly (string Start, string Name, string? Done)[] Markers =
    [
        ("Setting up Database..", "setup_db", "Database setup complete.."),
        ("Found pre-existing AIrsenal database.", "setup_db", null),
        ("Updating database..", "update_db", "Database update complete.."),
        ("Running prediction..", "predict", "Prediction complete.."),
        ("Generating a squad..", "make_squad", "Optimization complete.."),
        ("Running optimization..", "optimize", "Optimization complete.."),
        ("Applying suggested transfers...", "make_transfers", null),
        ("Setting Lineup...", "set_lineup", null),
        ("Saving absences to csv...", "save_absences", null),
    ];

    /// <summary>The stage a marker line starts, or null.</summary>
    public static string? StageOf(string line) =>
        Markers.FirstOrDefault(m => OutputText.Clean(line).StartsWith(m.Start, StringComparison.Ordinal)).Name;

    /// <summary>Stages in order of appearance; "Found pre-existing" marks setup as done at once.</summary>
    public static IReadOnlyList<PipelineStage> Stages(IEnumerable<string> rawLines)
    {
        var stages = new List<PipelineStage>();
        foreach (var line in OutputText.Normalize(rawLines))
        {
            foreach (var (start, name, done) in Markers)
            {
                if (line.StartsWith(start, StringComparison.Ordinal))
                {
                    stages.Add(new PipelineStage(name, done is null && name == "setup_db"));
                }
                else if (done is not null && line.StartsWith(done, StringComparison.Ordinal)
                    && stages.Count > 0 && stages[^1].Name == name && !stages[^1].Completed)
                {
                    stages[^1] = stages[^1] with { Completed = true };
                }
            }
        }

        return stages;
    }

    /// <summary>The pipeline's whole result: stages, team id, and the prediction/optimisation/squad it printed.</summary>
    public static JsonObject Parse(IReadOnlyList<string> lines, DateTimeOffset generatedAt, JsonObject? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var normalized = OutputText.Normalize(lines);
        int? teamId = normalized.Select(l => TeamLine().Match(l)).Where(m => m.Success)
            .Select(m => (int?)OutputText.ParseInt(m.Groups[1].Value)).LastOrDefault();
        var result = new JsonObject
        {
            ["type"] = "pipeline",
            ["team_id"] = teamId,
            ["finished"] = normalized.Any(l => l.StartsWith("Pipeline finished OK!", StringComparison.Ordinal)),
            ["stages"] = OutputText.ToJsonNode(Stages(normalized)),
            ["prediction"] = PredictionParser.ParseToJson(normalized, generatedAt, parameters),
            ["optimisation"] = OptimisationParser.ParseToJson(normalized),
            ["squad"] = SquadParser.ParseToJson(normalized),
        };
        return result;
    }

    [GeneratedRegex(@"^Running for FPL Team ID (-?\d+)")]
    private static partial Regex TeamLine();
}
