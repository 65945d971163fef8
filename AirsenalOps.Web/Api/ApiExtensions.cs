using System.Text.Json;
using System.Text.Json.Serialization;
using AirsenalOps.Core;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Auth;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AirsenalOps.Web.Api;

public static class ApiExtensions
{
    public const string Prefix = "/api";

    /// <summary>snake_case JSON like the peer's FastAPI, and `{"detail"}` bodies for every error.</summary>
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<JsonOptions>(options =>
        {
            var json = options.SerializerOptions;
            json.PropertyNamingPolicy = StorageJson.Options.PropertyNamingPolicy;
            json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        builder.Services.AddProblemDetails();
        // A body or query value that does not bind throws, so the API's error handler can say what was wrong
        // (the framework's default is a bare 400).
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        // CORS_ORIGINS and RATE_LIMIT_*: a bad value stops the start, even before anything reads them.
        builder.Services.AddValidatedOptions<Configuration.ApiOptions>(builder.Configuration);
        return builder;
    }

    public static bool IsApiRequest(this HttpContext context) =>
        context.Request.Path.StartsWithSegments(Prefix) || context.Request.Path.StartsWithSegments("/ws");

    /// <summary>Unhandled errors and bodiless error statuses on API routes become `{"detail": ...}`.</summary>
    public static WebApplication UseApiErrors(this WebApplication app)
    {
        app.UseWhen(IsApiRequest, api =>
        {
            api.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandler = WriteErrorAsync,
                // A client's bad request is not a server error: no error log with a stack trace for it.
                SuppressDiagnosticsCallback = context => IsClientError(context.Exception),
            });
            api.Use(LimitBodyAsync);
            api.UseStatusCodePages(async context =>
            {
                var response = context.HttpContext.Response;
                if (!response.HasStarted && response.ContentLength is null && response.ContentType is null)
                {
                    var detail = response.StatusCode switch
                    {
                        StatusCodes.Status401Unauthorized => "Not authenticated",
                        StatusCodes.Status403Forbidden => "Not allowed",
                        StatusCodes.Status404NotFound => "Not Found",
                        StatusCodes.Status405MethodNotAllowed => "Method Not Allowed",
                        StatusCodes.Status413PayloadTooLarge => "Request body too large",
                        StatusCodes.Status415UnsupportedMediaType => "Content-Type must be application/json",
                        _ => ReasonPhrase(response.StatusCode),
                    };
                    await response.WriteAsJsonAsync(new ErrorDetail(detail));
                }
            });
        });
        return app;
    }

    /// <summary>The `{"detail"}` for an exception that reached the API's error handler.</summary>
    private static async Task WriteErrorAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (status, detail) = error switch
        {
            BadHttpRequestException { InnerException: JsonException json } => (StatusCodes.Status400BadRequest, "The request body is not valid JSON for this route: " + json.Message),
            BadHttpRequestException bad => (bad.StatusCode, bad.Message),
            JsonException => (StatusCodes.Status400BadRequest, "The request body is not valid JSON."),
            // Storage failures the operator can act on: say which, instead of a bare 500.
            _ when StorageFailures.IsDiskFull(error) => (StatusCodes.Status507InsufficientStorage, StorageFailures.DiskFullDetail),
            _ when StorageFailures.IsLocked(error) => (StatusCodes.Status503ServiceUnavailable, StorageFailures.LockedDetail),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error; the console log has the details."),
        };
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ErrorDetail(ApiResults.Readable(detail)));
    }

    private static bool IsClientError(Exception exception) =>
        exception is JsonException or BadHttpRequestException { StatusCode: < 500 };

    /// <summary>
    /// 413 for a declared body over API_MAX_BODY_BYTES, else null. Also for a route that skips the middleware
    /// (health), so every API route refuses the same bodies.
    /// </summary>
    internal static IResult? OversizedBody(HttpContext context, long limit)
    {
        if (context.Request.ContentLength is not { } length || length <= limit)
        {
            return null;
        }

        // The client may still be sending: do not read the rest, close the connection after the answer.
        context.Response.Headers.Connection = "close";
        return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"Request body too large: the API accepts at most {limit} bytes.");
    }

    /// <summary>
    /// API_MAX_BODY_BYTES for every API request, and UTF-8 for its JSON: a declared length over it is refused at once; a chunked body
    /// is cut off by Kestrel while the endpoint reads it (a BadHttpRequestException, answered 413 above).
    /// </summary>
    private static Task LimitBodyAsync(HttpContext context, RequestDelegate next)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<Configuration.ApiOptions>>().Value.MaxBodyBytes;
        if (OversizedBody(context, limit) is { } refusal)
        {
            return refusal.ExecuteAsync(context);
        }

        // JSON is UTF-8 (RFC 8259); another charset would reach a decoder that throws (utf-7: a 500).
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) && type.Charset is { Length: > 0 } charset
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return context.Response.WriteAsJsonAsync(new ErrorDetail("The API reads JSON in UTF-8: send Content-Type application/json; charset=utf-8."));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(context);
    }

    /// <summary>
    /// A group of admin-only API routes under <c>/api{prefix}</c>. Every protected area maps its routes
    /// through this, so authorization is set in one place: a bearer token whose <c>email</c> is the admin's
    /// (401 <c>{"detail"}</c> without, with an invalid or an expired token; 403 for another address).
    /// </summary>
    public static RouteGroupBuilder MapProtectedApi(this IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(Prefix + prefix).RequireAdmin();

    /// <summary>Unknown `/api/*` routes answer JSON 404, never the UI's HTML not-found page.</summary>
    public static WebApplication MapApiFallback(this WebApplication app)
    {
        app.Map(Prefix + "/{**rest}", Unmatched).ExcludeFromDescription();
        app.MapGet(Prefix + "/", () => TypedResults.Ok(new { message = "AIrsenal Control Room API" }));
        return app;
    }

    /// <summary>
    /// Routing sends here every /api request no route took, including those a route refused for its method or
    /// content type: tell those apart from an unknown path (405 with Allow, 415), as the framework would.
    /// </summary>
    private static IResult Unmatched(HttpContext context, EndpointDataSource endpoints)
    {
        var method = context.Request.Method;
        var allowed = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var sameMethod = false;
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var raw = endpoint.RoutePattern.RawText ?? string.Empty;
            if (!raw.TrimStart('/').StartsWith(Prefix.TrimStart('/'), StringComparison.Ordinal) || raw.Contains("{**", StringComparison.Ordinal)
                || !new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), new RouteValueDictionary()).TryMatch(context.Request.Path, new RouteValueDictionary()))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is null || methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            {
                sameMethod = true;
            }
            else
            {
                allowed.UnionWith(methods);
            }
        }

        if (sameMethod)
        {
            return ApiResults.Error(StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json");
        }

        if (allowed.Count > 0)
        {
            context.Response.Headers.Allow = string.Join(", ", allowed);
            return ApiResults.Error(StatusCodes.Status405MethodNotAllowed, $"Method {method} is not allowed here: use {string.Join(", ", allowed)}.");
        }

        return ApiResults.Error(StatusCodes.Status404NotFound, "Not Found");
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
