using System.ComponentModel.DataAnnotations;
using AirsenalOps.Web.Api;
using AirsenalOps.Web.Configuration;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;
using Serilog.Sinks.SystemConsole.Themes;

namespace AirsenalOps.Web.Extensions;

public static class LoggingExtensions
{
    /// <summary>
    /// Serilog to stdout: one JSON object per line (LOG_FORMAT=json, the default) or coloured text.
    /// Validated here rather than at host start because logging is configured before the host exists.
    /// </summary>
    public static WebApplicationBuilder AddConsoleLogging(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.Get<LoggingOptions>() ?? new LoggingOptions();
        var failures = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), failures, validateAllProperties: true))
        {
            throw new OptionsValidationException(nameof(LoggingOptions), typeof(LoggingOptions), failures.Select(f => f.ErrorMessage ?? "invalid"));
        }

        builder.Services.AddSerilog((services, configuration) =>
        {
            configuration
                .MinimumLevel.Is(options.MinimumLevel)
                // Framework chatter stays at warning unless the operator asks for debug.
                .MinimumLevel.Override("Microsoft", options.MinimumLevel > Serilog.Events.LogEventLevel.Information ? options.MinimumLevel : Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", Serilog.Events.LogEventLevel.Information)
                // A bad setting is reported once, as one line on stderr (Program.cs); the host's own
                // "Hosting failed to start" event with its stack trace would only bury it.
                .Filter.ByExcluding(e => e.Exception is not null && StartupErrors.IsConfiguration(e.Exception))
                .Enrich.FromLogContext()
                .ReadFrom.Services(services);
            if (options.IsJson)
            {
                configuration.WriteTo.Console(new JsonFormatter(renderMessage: true));
            }
            else
            {
                configuration.WriteTo.Console(
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                    outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}",
                    theme: AnsiConsoleTheme.Code,
                    applyThemeToRedirectedOutput: true);
            }
        });
        return builder;
    }

    /// <summary>One line per request, with its id, instead of the framework's several.</summary>
    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.EnrichDiagnosticContext = (diagnostics, http) => diagnostics.Set("RequestId", http.TraceIdentifier);
            options.GetLevel = RequestLevel;
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms ({RequestId})";
        });
        return app;
    }

    /// <summary>
    /// Errors as errors; a successful read of the API (GET or HEAD under <c>/api</c>) only at debug: dashboards and
    /// scripts poll the job list every few seconds, and a line per poll both buries the lines that matter and costs
    /// a polled endpoint a sixth of its rate. Changes (POST, PUT, DELETE), refusals, failures and page loads stay at
    /// information. (The health check skips this middleware altogether; its probe logs changes of state.)
    /// </summary>
    internal static LogEventLevel RequestLevel(HttpContext http, double elapsedMs, Exception? exception) =>
        exception is not null || http.Response.StatusCode >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error
        : http.Response.StatusCode < StatusCodes.Status400BadRequest && IsApiRead(http.Request) ? LogEventLevel.Debug
        : LogEventLevel.Information;

    private static bool IsApiRead(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Path.StartsWithSegments(ApiExtensions.Prefix);
}
