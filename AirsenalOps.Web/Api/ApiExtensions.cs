using System.Text.Json;
using System.Text.Json.Serialization;
using AirsenalOps.Core;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Auth;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;

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
            api.UseExceptionHandler(handler => handler.Run(async context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var (status, detail) = error switch
                {
                    BadHttpRequestException bad => (bad.StatusCode, bad.Message),
                    JsonException => (StatusCodes.Status400BadRequest, "The request body is not valid JSON."),
                    _ => (StatusCodes.Status500InternalServerError, "Internal server error; the console log has the details."),
                };
                context.Response.StatusCode = status;
                await context.Response.WriteAsJsonAsync(new ErrorDetail(detail));
            }));
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
        app.Map(Prefix + "/{**rest}", () => ApiResults.Error(StatusCodes.Status404NotFound, "Not Found"))
            .ExcludeFromDescription();
        app.MapGet(Prefix + "/", () => TypedResults.Ok(new { message = "AIrsenal Control Room API" }));
        return app;
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
