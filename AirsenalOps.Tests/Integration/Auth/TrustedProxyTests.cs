using System.Net;
using AirsenalOps.Tests.E2E.Support;

namespace AirsenalOps.Tests.Integration.Auth;

/// <summary>Throttling keys on the client address: behind a trusted proxy that is X-Forwarded-For, otherwise never.</summary>
public sealed class TrustedProxyTests
{
    [Fact]
    public async Task BehindATrustedProxy_EachForwardedClientHasItsOwnLimit()
    {
        using var console = Start(("RATE_LIMIT_PER_MINUTE", "2"), ("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"));
        using var client = new HttpClient { BaseAddress = new Uri(console.BaseUrl) };

        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.2"));
    }

    [Fact]
    public async Task WithoutTrustedProxies_AForgedForwardedForDoesNotDodgeTheLimit()
    {
        using var console = Start(("RATE_LIMIT_PER_MINUTE", "2"));
        using var client = new HttpClient { BaseAddress = new Uri(console.BaseUrl) };

        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync(client, "203.0.113.3"));
    }

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/", UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    // A real socket: the in-memory test server has no remote address to compare with the proxy list.
    private static LiveConsole Start(params (string Key, string? Value)[] settings) => new(settings.ToDictionary(s => s.Key, s => s.Value));
}
