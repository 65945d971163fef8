using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.ApiDocs;

public sealed partial class OpenApiTests : IDisposable
{
    private readonly ConsoleFactory _factory = new(AuthTestData.Settings());

    [Fact]
    public async Task Document_ListsEveryApiRoute_WithItsMethods()
    {
        using var client = _factory.CreateClient();
        var document = await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var documented = document!["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => $"{m.Key.ToUpperInvariant()} {Normalize(p.Key)}"))
            .ToHashSet(StringComparer.Ordinal);

        var routes = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription != true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(routes);
        Assert.Contains("POST /api/schedules", routes);
        Assert.Contains("GET /api/notifications/deliveries", routes);
        Assert.Empty(routes.Except(documented));
        Assert.Empty(documented.Except(routes));
    }

    [Fact]
    public async Task ScalarReferencePage_IsServed()
    {
        using var client = _factory.CreateClient();

        var response = await client.GetAsync("/scalar");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("AirsenalOps API", page, StringComparison.Ordinal);
    }

    /// <summary>"/api/jobs/{id:int}/" and "/api/jobs/{id}" are the same route.</summary>
    private static string Normalize(string pattern)
    {
        var path = RouteParameter().Replace(pattern, "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    public void Dispose() => _factory.Dispose();
}
