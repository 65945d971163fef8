using Scalar.AspNetCore;

namespace AirsenalOps.Web.Api;

/// <summary>The OpenAPI document of the JSON API (/openapi/v1.json) and its Scalar reference page (/scalar).</summary>
public static class ApiDocsExtensions
{
    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "AirsenalOps API";
            document.Info.Description = "Jobs, reports, schedules and notifications of the AIrsenal console. Errors are {\"detail\": \"...\"}; admin routes need a bearer token from POST /api/auth/login.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(options => options.WithTitle("AirsenalOps API"));
        return app;
    }
}
