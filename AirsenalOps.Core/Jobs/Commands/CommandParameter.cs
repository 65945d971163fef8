using System.Text.Json.Serialization;

namespace AirsenalOps.Core.Jobs.Commands;

/// <summary>Form field types; the API writes them lower-case (int, bool, string, enum).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The names are the field types the UI and API use.")]
public enum ParameterType
{
    Int,
    Bool,
    String,
    Enum,
}

/// <summary>
/// One parameter of a catalogue command: what the UI renders a form field from, what validation
/// checks, and how it becomes command-line arguments.
/// </summary>
public sealed record CommandParameter
{
    public required string Name { get; init; }

    public ParameterType Type { get; init; } = ParameterType.Int;

    public string Help { get; init; } = string.Empty;

    /// <summary>Used when the request leaves the parameter out; null means "not passed".</summary>
    public object? Default { get; init; }

    public bool Required { get; init; }

    public long? Min { get; init; }

    public long? Max { get; init; }

    /// <summary>Allowed values of an <see cref="ParameterType.Enum"/> parameter.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>Longest accepted string value.</summary>
    public int MaxLength { get; init; } = 200;

    /// <summary>
    /// A bool that destroys data when true (setup_db's clean): the catalogue then also requires
    /// <see cref="CommandCatalogue.ConfirmParameter"/> = true, as for commands that change the real FPL team.
    /// </summary>
    public bool Destructive { get; init; }

    /// <summary>Checked by the console only and never passed to the CLI (a confirm switch the command has no flag for).</summary>
    public bool ConsoleOnly { get; init; }

    /// <summary>The CLI flag; defaults to <c>--name</c> (AIrsenal's argparse flags use underscores).</summary>
    public string? Flag { get; init; }

    [JsonIgnore]
    public string CliFlag => Flag ?? "--" + Name;

    /// <summary>The accepted range in words, for forms and error messages.</summary>
    [JsonIgnore]
    public string RangeText => Type switch
    {
        ParameterType.Int when Min is not null && Max is not null => $"an integer from {Min} to {Max}",
        ParameterType.Int when Min is not null => $"an integer of at least {Min}",
        ParameterType.Int when Max is not null => $"an integer of at most {Max}",
        ParameterType.Int => "an integer",
        ParameterType.Bool => "true or false",
        ParameterType.Enum => "one of " + string.Join(", ", Choices ?? []),
        _ => $"a text of at most {MaxLength} characters",
    };
}
