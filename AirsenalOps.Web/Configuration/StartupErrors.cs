using AirsenalOps.Core;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Web.Configuration;

/// <summary>Turns a bad setting found at start into one line for the operator instead of a stack trace.</summary>
public static class StartupErrors
{
    public static bool IsConfiguration(Exception exception) => Describe(exception) is not null;

    /// <summary>The one-line description, or null when the exception is not a configuration problem.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        OptionsValidationException validation => "Configuration error: " + string.Join(" ", validation.Failures.Select(OneLine)),
        // The configuration binder's conversion failures name the variable ("... at 'RATE_LIMIT_PER_MINUTE' to type 'System.Int32'").
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            "Configuration error: " + OneLine(message),
        AggregateException aggregate => aggregate.InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null),
        ConfigurationException configuration => "Configuration error: " + OneLine(configuration.Message),
        _ when exception.InnerException is { } inner => Describe(inner),
        _ => null,
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
