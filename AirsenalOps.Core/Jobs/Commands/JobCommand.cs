using System.Text.Json.Nodes;
using AirsenalOps.Core.Audit;

namespace AirsenalOps.Core.Jobs.Commands;

/// <summary>
/// A command the console can run as a job: an AIrsenal executable, its parameters and the rules the
/// engine applies to it. The catalogue is data: the UI renders forms from it and the API lists it.
/// </summary>
public sealed record JobCommand
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>Executable name resolved on PATH or AIRSENAL_BIN_DIR (an absolute path is used as is).</summary>
    public required string Executable { get; init; }

    public IReadOnlyList<CommandParameter> Parameters { get; init; } = [];

    /// <summary>Fixed arguments placed before the parameters' flags (e.g. a sub-command).</summary>
    public IReadOnlyList<string> FixedArguments { get; init; } = [];

    /// <summary>A failed run may be retried automatically (the command is idempotent).</summary>
    public bool RetrySafe { get; init; } = true;

    /// <summary>May run next to other jobs (it does not write AIrsenal's database).</summary>
    public bool ConcurrencySafe { get; init; }

    /// <summary>The UI asks for confirmation first (the command changes something outside the console).</summary>
    public bool NeedsConfirm { get; init; }

    /// <summary>How the audit log names queuing this command (make_transfers: transfers applied).</summary>
    public AuditAction AuditAs { get; init; } = AuditAction.JobCreated;

    /// <summary>Longest run before the job is stopped as timed out; null = JOB_TIMEOUT_MINUTES.</summary>
    public TimeSpan? MaxRunTime { get; init; }

    /// <summary>Silence (no line, no progress) after which the watchdog stops the job; null = JOB_WATCHDOG_SECONDS.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>The AIrsenal layer's extension points; <see cref="JobHooks.None"/> when the command needs none.</summary>
    public IJobHooks Hooks { get; init; } = JobHooks.None;

    /// <summary>
    /// Turns validated parameters into arguments. The default passes <c>--flag value</c> for each set
    /// parameter and a bare <c>--flag</c> for a true bool.
    /// </summary>
    public Func<JsonObject, IReadOnlyList<string>>? ArgumentBuilder { get; init; }

    public IReadOnlyList<string> BuildArguments(JsonObject validParameters)
    {
        if (ArgumentBuilder is not null)
        {
            return [.. FixedArguments, .. ArgumentBuilder(validParameters)];
        }

        var arguments = new List<string>(FixedArguments);
        foreach (var parameter in Parameters)
        {
            var value = validParameters[parameter.Name];
            if (value is null || parameter.ConsoleOnly)
            {
                continue;
            }

            if (parameter.Type == ParameterType.Bool)
            {
                if (value.GetValue<bool>())
                {
                    arguments.Add(parameter.CliFlag);
                }

                continue;
            }

            arguments.Add(parameter.CliFlag);
            arguments.Add(parameter.Type == ParameterType.Int
                ? value.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture)
                : value.GetValue<string>());
        }

        return arguments;
    }
}
