using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Audit;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Integration.Team;
using AirsenalOps.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Audit;

/// <summary>GET /api/audit: admin only, paged, filtered, bounded, and the only audit route there is.</summary>
public sealed class AuditApiTests : IDisposable
{
    private readonly ConsoleFactory _factory = new(AuthTestData.Settings());

    private AuditLog Audit => _factory.Services.GetRequiredService<AuditLog>();

    [Fact]
    public async Task WithoutAToken_Answers401()
    {
        using var anonymous = _factory.CreateClient();

        var response = await anonymous.GetAsync(new Uri("/api/audit", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Not authenticated", await AuthTestData.DetailAsync(response));
    }

    [Fact]
    public async Task Paging_NewestFirst_WithTotal_LimitAndOffset()
    {
        await RecordAsync(7, AuditAction.JobCreated, "someone@example.com");
        using var client = _factory.CreateAdminClient();

        var first = await client.GetFromJsonAsync<JsonObject>(new Uri("/api/audit?action=job_created&limit=3", UriKind.Relative));
        var second = await client.GetFromJsonAsync<JsonObject>(new Uri("/api/audit?action=job_created&limit=3&offset=3", UriKind.Relative));
        var last = await client.GetFromJsonAsync<JsonObject>(new Uri("/api/audit?action=job_created&limit=3&offset=6", UriKind.Relative));

        Assert.Equal(7, first!["total"]!.GetValue<long>());
        Assert.Equal(3, first["limit"]!.GetValue<int>());
        Assert.Equal(["job-6", "job-5", "job-4"], Targets(first));
        Assert.Equal(["job-3", "job-2", "job-1"], Targets(second!));
        Assert.Equal(["job-0"], Targets(last!));
        Assert.Equal(3, second!["offset"]!.GetValue<int>());
    }

    [Fact]
    public async Task DefaultPage_IsFiftyEntries()
    {
        await RecordAsync(55, AuditAction.SecretSet, "a@example.com");
        using var client = _factory.CreateAdminClient();

        var page = await client.GetFromJsonAsync<JsonObject>(new Uri("/api/audit?action=secret_set", UriKind.Relative));

        Assert.Equal(50, page!["items"]!.AsArray().Count);
        Assert.Equal(55, page["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Filters_ByActionAndByActor_Combine()
    {
        await RecordAsync(2, AuditAction.JobCreated, "alice@example.com");
        await RecordAsync(3, AuditAction.JobCancelled, "alice@example.com");
        await RecordAsync(4, AuditAction.JobCancelled, "bob@example.com");
        using var client = _factory.CreateAdminClient();

        var byAction = await client.GetFromJsonAsync<JsonObject>(new Uri("/api/audit?action=JOB_CANCELLED", UriKind.Relative));
        var byActor = await client.GetFromJsonAsync<JsonObject>(new Uri("/api/audit?actor=alice@example.com", UriKind.Relative));
        var both = await client.GetFromJsonAsync<JsonObject>(new Uri("/api/audit?action=job_cancelled&actor=bob@example.com", UriKind.Relative));

        Assert.Equal(7, byAction!["total"]!.GetValue<long>());
        Assert.All(byAction["items"]!.AsArray(), e => Assert.Equal("job_cancelled", e!["action"]!.GetValue<string>()));
        Assert.Equal(5, byActor!["total"]!.GetValue<long>());
        Assert.All(byActor["items"]!.AsArray(), e => Assert.Equal("alice@example.com", e!["actor"]!.GetValue<string>()));
        Assert.Equal(4, both!["total"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("limit=0", "limit must be a whole number from 1 to 200.")]
    [InlineData("limit=201", "limit must be a whole number from 1 to 200.")]
    [InlineData("limit=ten", "limit must be a whole number from 1 to 200.")]
    [InlineData("offset=-1", "offset must be a whole number, 0 or more.")]
    [InlineData("offset=1.5", "offset must be a whole number, 0 or more.")]
    public async Task BadPaging_Answers422WithADetail(string query, string detail)
    {
        using var client = _factory.CreateAdminClient();

        var response = await client.GetAsync(new Uri("/api/audit?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(detail, await AuthTestData.DetailAsync(response));
    }

    [Fact]
    public async Task UnknownAction_Answers422_NamingTheKnownOnes()
    {
        using var client = _factory.CreateAdminClient();

        var response = await client.GetAsync(new Uri("/api/audit?action=drop_tables", UriKind.Relative));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = await AuthTestData.DetailAsync(response);
        Assert.StartsWith("Unknown action 'drop_tables'", detail, StringComparison.Ordinal);
        Assert.Contains("backup_restored", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendOnly_NoRouteWritesChangesOrDeletesAnEntry()
    {
        await RecordAsync(1, AuditAction.SecretSet, "a@example.com");
        using var client = _factory.CreateAdminClient();

        var auditRoutes = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/audit", StringComparison.Ordinal) == true)
            .ToList();
        var post = await client.PostAsJsonAsync(new Uri("/api/audit", UriKind.Relative), new { action = "secret_set" });
        var put = await client.PutAsJsonAsync(new Uri("/api/audit", UriKind.Relative), new { action = "secret_set" });
        var delete = await client.DeleteAsync(new Uri("/api/audit", UriKind.Relative));
        var page = await client.GetFromJsonAsync<JsonObject>(new Uri("/api/audit", UriKind.Relative));

        var route = Assert.Single(auditRoutes);
        Assert.Equal(["GET"], route.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods);
        Assert.All([post, put, delete], r => Assert.True(r.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, r.StatusCode.ToString()));
        Assert.Equal(1, page!["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task ApiRequests_AreRecordedWithTheTokensEmail()
    {
        using var client = _factory.CreateAdminClient();

        (await client.PostAsJsonAsync(new Uri("/api/secrets", UriKind.Relative), new { key = "FPL_TEAM_ID", value = "42" })).EnsureSuccessStatusCode();

        var page = await client.GetFromJsonAsync<JsonObject>(new Uri("/api/audit?action=secret_set", UriKind.Relative));
        var entry = page!["items"]![0]!;
        Assert.Equal(AuthTestData.AdminEmail, entry["actor"]!.GetValue<string>());
        Assert.Equal("FPL_TEAM_ID", entry["target"]!.GetValue<string>());
        Assert.Equal("string", JsonValueKind(entry["at"]));
    }

    private static string JsonValueKind(JsonNode? node) => node?.GetValueKind().ToString().ToLowerInvariant() ?? "null";

    /// <summary>Entries target job-0, job-1, … in that order, by <paramref name="actor"/>.</summary>
    private async Task RecordAsync(int count, AuditAction action, string actor)
    {
        for (var i = 0; i < count; i++)
        {
            await Audit.RecordAsync(action, $"job-{i}", actor: actor);
        }
    }

    private static List<string> Targets(JsonObject page) =>
        page["items"]!.AsArray().Select(e => e!["target"]!.GetValue<string>()).ToList();

    public void Dispose() => _factory.Dispose();
}
