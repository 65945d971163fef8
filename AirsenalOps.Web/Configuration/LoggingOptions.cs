using System.ComponentModel.DataAnnotations;
using Serilog.Events;

namespace AirsenalOps.Web.Configuration;

/// <summary>LOG_LEVEL and LOG_FORMAT, as the peer console read them.</summary>
public sealed record LoggingOptions : IValidatableObject
{
    [ConfigurationKeyName("LOG_LEVEL")]
    public string Level { get; init; } = "INFO";

    [ConfigurationKeyName("LOG_FORMAT")]
    public string Format { get; init; } = "json";

    public bool IsJson => string.Equals(Format, "json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Python's level names (the peer's) and Serilog's both work.</summary>
    public LogEventLevel MinimumLevel => Level.Trim().ToUpperInvariant() switch
    {
        "TRACE" or "VERBOSE" => LogEventLevel.Verbose,
        "DEBUG" => LogEventLevel.Debug,
        "INFO" or "INFORMATION" => LogEventLevel.Information,
        "WARN" or "WARNING" => LogEventLevel.Warning,
        "ERROR" => LogEventLevel.Error,
        "CRITICAL" or "FATAL" => LogEventLevel.Fatal,
        _ => throw new InvalidOperationException($"LOG_LEVEL '{Level}' is not a level."),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsJson && !string.Equals(Format, "text", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"LOG_FORMAT must be 'json' or 'text', not '{Format}'.", ["LOG_FORMAT"]);
        }

        if (!ValidLevels.Contains(Level.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            yield return new ValidationResult(
                $"LOG_LEVEL must be one of {string.Join(", ", ValidLevels)}, not '{Level}'.", ["LOG_LEVEL"]);
        }
    }

    private static readonly string[] ValidLevels = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "VERBOSE", "INFORMATION", "WARN", "FATAL"];
}
