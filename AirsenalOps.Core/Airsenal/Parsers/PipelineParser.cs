using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AirsenalOps.Core.Airsenal.Jobs;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>A pipeline stage with the marker that started it and whether its completion marker appeared.</summary>
public sealed record PipelineStage(string Name, bool Completed);

/// <summary>airsenal_run_pipeline's stage markers (reference §2.8).</summary>
public static partial class PipelineParser
{
    /// <summary>Each stage's markers, from the registry (every command owns its stage).</summary>
    private static readonly (string Name, StageMarker Marker)[] Markers =
        [.. AirsenalCommands.PipelineSteps.SelectMany(step => step.Markers.Select(marker => (step.Name, marker)))];

    /// <summary>The stage a marker line starts, or null.</summary>
    public static string? StageOf(string line) =>
        Markers.FirstOrDefault(m => OutputText.Clean(line).StartsWith(m.Marker.Start, StringComparison.Ordinal)).Name;

    /// <summary>Stages in order of appearance; "Found pre-existing" marks setup as done at once.</summary>
    public static IReadOnlyList<PipelineStage> Stages(IEnumerable<string> rawLines)
    {
        var stages = new List<PipelineStage>();
        foreach (var line in OutputText.Normalize(rawLines))
        {
            foreach (var (name, (start, done, doneAtStart)) in Markers)
            {
                if (line.StartsWith(start, StringComparison.Ordinal))
                {
                    stages.Add(new PipelineStage(name, doneAtStart));
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
            ["type"] = AirsenalCommandNames.Pipeline,
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
