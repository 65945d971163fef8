using System.Net;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.Auth;

public sealed class RateLimitTests
{
    [Fact]
    public async Task TheRequestAfterTheLimit_Gets429WithRetryAfterAndDetail_HealthIsNeverLimited()
    {
        using var factory = new ConsoleFactory(AuthTestData.Settings(("RATE_LIMIT_PER_MINUTE", "3")));
        var client = factory.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/", UriKind.Relative))).StatusCode);
        }

        var limited = await client.GetAsync(new Uri("/api/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        Assert.Contains("Rate limit exceeded", await AuthTestData.DetailAsync(limited), StringComparison.Ordinal);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/health", UriKind.Relative))).StatusCode);
        }

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.GetAsync(new Uri("/login", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task AuthenticatedClients_AreCountedByTheirTokensEmail_NotTheSharedAddress()
    {
        using var factory = new ConsoleFactory(AuthTestData.Settings(("RATE_LIMIT_PER_MINUTE", "3")));
        var token = await AuthTestData.LoginAsync(factory.CreateClient());
        var anonymous = factory.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            await anonymous.GetAsync(new Uri("/api/", UriKind.Relative));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync(new Uri("/api/", UriKind.Relative))).StatusCode);

        var admin = factory.Authorized(token);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/auth/check", UriKind.Relative))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await admin.GetAsync(new Uri("/api/auth/check", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Disabled_NeverLimits()
    {
        using var factory = new ConsoleFactory(AuthTestData.Settings(("RATE_LIMIT_PER_MINUTE", "1"), ("RATE_LIMIT_ENABLED", "false")));
        var client = factory.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/", UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task Cors_AllowsTheConfiguredOrigin_ForTheApi_AndNoOther()
    {
        using var factory = new ConsoleFactory(AuthTestData.Settings(("CORS_ORIGINS", "http://ui.example.com, http://other.example.com")));
        var client = factory.CreateClient();

        using var allowed = Preflight("http://ui.example.com");
        var response = await client.SendAsync(allowed);
        Assert.Equal("http://ui.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var denied = Preflight("http://evil.example.com");
        Assert.False((await client.SendAsync(denied)).Headers.Contains("Access-Control-Allow-Origin"));

        static HttpRequestMessage Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, new Uri("/api/secrets", UriKind.Relative));
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "GET");
            request.Headers.Add("Access-Control-Request-Headers", "authorization");
            return request;
        }
    }
}
