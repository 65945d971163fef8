using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration;

public sealed class HealthApiTests : IDisposable
{
    private readonly ConsoleFactory _factory = new();

    [Fact]
    public async Task Health_AnswersOkWithEmbeddedStorage_WithNoSettings()
    {
        var response = await _factory.CreateClient().GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal("sqlite", body.GetProperty("storage").GetProperty("kind").GetString());
        Assert.True(body.GetProperty("storage").GetProperty("ok").GetBoolean());
        Assert.True(File.Exists(Path.Combine(_factory.DataDir, "airsenalops.db")));
    }

    [Theory]
    [InlineData("http://ui.example.com", true)]
    [InlineData("http://evil.example.com", false)]
    public async Task Health_AnswersABrowserDashboard_OnlyFromAnAllowedOrigin(string origin, bool allowed)
    {
        // Health skips the middleware (CORS among it): it applies the API's CORS policy itself.
        using var factory = new ConsoleFactory(new Dictionary<string, string?> { ["CORS_ORIGINS"] = "http://ui.example.com" });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/health", UriKind.Relative));
        request.Headers.Add("Origin", origin);

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
    }

    [Fact]
    public async Task ApiRoot_ReturnsThePeersMessage()
    {
        var body = await _factory.CreateClient().GetFromJsonAsync<JsonElement>(new Uri("/api/", UriKind.Relative));

        Assert.Equal("AIrsenal Control Room API", body.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("/api/nope")]
    [InlineData("/api/jobs/x/y/z")]
    public async Task UnknownApiRoute_Answers404JsonDetail_NotHtml(string path)
    {
        var response = await _factory.CreateClient().GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task UnknownBrowserRoute_GetsTheHtmlNotFoundPage()
    {
        var response = await _factory.CreateClient().GetAsync(new Uri("/no-such-page", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("There is no page at this address", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _factory.Dispose();
}
