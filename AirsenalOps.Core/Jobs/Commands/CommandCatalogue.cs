using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AirsenalOps.Core.Jobs.Commands;

/// <summary>A request the catalogue refused; the API answers 422 with <see cref="Exception.Message"/> as detail.</summary>
public sealed class JobValidationException(string message) : Exception(message);

/// <summary>A command with parameters that passed validation, defaults filled in.</summary>
public sealed record ValidatedCommand(JobCommand Command, JsonObject Parameters)
{
    public IReadOnlyList<string> Arguments => Command.BuildArguments(Parameters);
}

/// <summary>A set of commands registered together, built once (the AIrsenal layer's registry).</summary>
public interface ICommandSource
{
    IReadOnlyList<JobCommand> Commands { get; }
}

/// <summary>
/// The commands jobs may run: the <see cref="ICommandSource"/>s' (the AIrsenal registry), then single
/// <see cref="JobCommand"/> registrations; a later command of the same name replaces an earlier one (a test's
/// stand-in for predict).
/// </summary>
public sealed class CommandCatalogue
{
    private readonly Dictionary<string, JobCommand> _commands = new(StringComparer.Ordinal);

    public CommandCatalogue(IEnumerable<JobCommand> commands)
    {
        foreach (var command in commands)
        {
            _commands[command.Name] = command;
        }
    }

    /// <summary>In registration order of first appearance.</summary>
    public IReadOnlyList<JobCommand> All => [.. _commands.Values];

    public JobCommand? Find(string name) => _commands.GetValueOrDefault(name);

    /// <summary>Checks a command and its parameters; throws <see cref="JobValidationException"/> naming what is wrong.</summary>
    public ValidatedCommand Validate(string? name, JsonObject? parameters)
    {
        if (string.IsNullOrWhiteSpace(name) || Find(name) is not { } command)
        {
            throw new JobValidationException(
                $"Unknown command '{name}'. Known commands: {string.Join(", ", _commands.Keys)}.");
        }

        var given = parameters ?? [];
        foreach (var (key, _) in given)
        {
            if (!command.Parameters.Any(p => p.Name == key))
            {
                var known = command.Parameters.Count == 0 ? "it takes no parameters" : "known: " + string.Join(", ", command.Parameters.Select(p => p.Name));
                throw new JobValidationException($"Unknown parameter '{key}' for command '{name}' ({known}).");
            }
        }

        var valid = new JsonObject();
        foreach (var parameter in command.Parameters)
        {
            var value = given[parameter.Name];
            if (value is null)
            {
                if (parameter.Required && parameter.Default is null)
                {
                    throw new JobValidationException($"Parameter '{parameter.Name}' is required: {parameter.RangeText}.");
                }

                if (parameter.Default is not null)
                {
                    valid[parameter.Name] = JsonValue.Create(parameter.Default);
                }

                continue;
            }

            valid[parameter.Name] = Convert(parameter, value)
                ?? throw new JobValidationException($"Parameter '{parameter.Name}' must be {parameter.RangeText}; got {value.ToJsonString()}.");
        }

        // A command that changes the user's real FPL team never starts without an explicit yes.
        if (command.NeedsConfirm && valid[ConfirmParameter]?.GetValue<bool>() != true)
        {
            throw new JobValidationException(
                $"Parameter '{ConfirmParameter}' must be true: '{name}' changes your real FPL team.");
        }

        // An option that destroys data (setup_db's clean) needs the same explicit yes.
        if (command.Parameters.FirstOrDefault(p => p.Destructive && valid[p.Name]?.GetValue<bool>() == true) is { } destructive
            && valid[ConfirmParameter]?.GetValue<bool>() != true)
        {
            throw new JobValidationException(
                $"Parameter '{ConfirmParameter}' must be true with '{destructive.Name}': {destructive.Help}");
        }

        return new ValidatedCommand(command, valid);
    }

    /// <summary>The parameter a <see cref="JobCommand.NeedsConfirm"/> command must be given as true.</summary>
    public const string ConfirmParameter = "confirm";

    private static JsonValue? Convert(CommandParameter parameter, JsonNode value)
    {
        var kind = value.GetValueKind();
        switch (parameter.Type)
        {
            case ParameterType.Int:
                long number;
                var raw = kind == JsonValueKind.Number ? value.ToJsonString() : kind == JsonValueKind.String ? value.GetValue<string>().Trim() : null;
                if (raw is not null && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    number = parsed;
                }
                else if (kind == JsonValueKind.Number && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e15)
                {
                    // 3.0 from a JavaScript client is the integer 3.
                    number = (long)d;
                }
                else
                {
                    return null;
                }

                return (parameter.Min is { } min && number < min) || (parameter.Max is { } max && number > max) ? null : JsonValue.Create(number);
            case ParameterType.Bool:
                return kind switch
                {
                    JsonValueKind.True => JsonValue.Create(true),
                    JsonValueKind.False => JsonValue.Create(false),
                    JsonValueKind.String when bool.TryParse(value.GetValue<string>(), out var b) => JsonValue.Create(b),
                    _ => null,
                };
            case ParameterType.Enum:
                return kind == JsonValueKind.String && parameter.Choices?.Contains(value.GetValue<string>(), StringComparer.Ordinal) == true
                    ? JsonValue.Create(value.GetValue<string>())
                    : null;
            default:
                if (kind != JsonValueKind.String)
                {
                    return null;
                }

                var text = value.GetValue<string>();
                // An argument list cannot be split by a shell, but a leading dash would read as a flag.
                return text.Length > parameter.MaxLength || text.StartsWith('-') || text.Contains('\0', StringComparison.Ordinal)
                    ? null
                    : JsonValue.Create(text);
        }
    }
}
