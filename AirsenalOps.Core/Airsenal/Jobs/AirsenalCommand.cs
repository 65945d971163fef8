using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs.Commands;

namespace AirsenalOps.Core.Airsenal.Jobs;

/// <summary>Reads a run's stdout into the job's output document; null when it has nothing to report.</summary>
public delegate JsonObject? AirsenalOutputReader(IReadOnlyList<string> stdout, DateTimeOffset generatedAt, JsonObject? parameters);

/// <summary>
/// One kind of parsed output: the <c>type</c> its parser writes and the record a page reads it into. The web layer
/// shows it with the component that implements its output-view interface for <paramref name="Record"/>; a null
/// <paramref name="Record"/> means there is no view on purpose and the job page shows the document as stored.
/// </summary>
public sealed record OutputKind(string Type, Type? Record);

/// <summary>A line of airsenal_run_pipeline that starts a stage, the line that completes it, and whether it is complete at once.</summary>
public sealed record StageMarker(string Start, string? Done, bool DoneAtStart = false);

/// <summary>A command's stage inside airsenal_run_pipeline: its markers and its share of the pipeline's progress bar.</summary>
public sealed record PipelineStep(string Name, IReadOnlyList<StageMarker> Markers, double StartPercent, double SharePercent);

/// <summary>
/// Everything the console knows about one AIrsenal command, in one place: its name, executable, flags and limits
/// (<see cref="Command"/>), how it runs (<see cref="Run"/>), its output parser and output kinds (which pick the job
/// page's view), its stage in the pipeline, and which of its parameters the older console had. Adding a command is
/// adding one of these to <see cref="AirsenalCommands.All"/> (and a view for a new output kind).
/// </summary>
public sealed record AirsenalCommand
{
    /// <summary>Name, description, executable, parameters (flags) and limits; the hooks are added by <see cref="AirsenalCommands.Build"/>.</summary>
    public required JobCommand Command { get; init; }

    /// <summary>Secrets, database use, progress bar and no-op texts of a run.</summary>
    public AirsenalHookSpec Run { get; init; } = new();

    /// <summary>The parser of its stdout; null for a command whose printout has nothing to show but its log.</summary>
    public AirsenalOutputReader? Parser { get; init; }

    /// <summary>The output kinds <see cref="Parser"/> writes (empty exactly when there is no parser).</summary>
    public IReadOnlyList<OutputKind> Outputs { get; init; } = [];

    /// <summary>Its stage when airsenal_run_pipeline runs it on the way; null when the pipeline does not.</summary>
    public PipelineStep? Stage { get; init; }

    /// <summary>One of the older console's five commands (its contract: peer-console.md).</summary>
    public bool Peer { get; init; }

    /// <summary>The parameters the older console had, a prefix of <see cref="JobCommand.Parameters"/>.</summary>
    public IReadOnlyList<string> PeerParameters { get; init; } = [];

    public string Name => Command.Name;

    /// <summary>The command as the older console defined it: its parameters only, no hooks.</summary>
    public JobCommand PeerCommand => Command with { Parameters = [.. Command.Parameters.Where(p => PeerParameters.Contains(p.Name, StringComparer.Ordinal))] };
}
