using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AirsenalOps.Tests.Integration.Auth;

namespace AirsenalOps.Tests.Integration.Hostile;

/// <summary>
/// Every protected route, the jobs WebSocket and /metrics, against every way of not being the admin:
/// no token, expired, signed by another key, alg none, malformed, a forged session cookie.
/// </summary>
public sealed class AuthRefusalTests(HostileConsole console) : IClassFixture<HostileConsole>
{
    private readonly HostileConsole _console = console;

    /// <summary>The routes anyone may call; a new unprotected route must be added here on purpose.</summary>
    private static readonly HashSet<string> Anonymous = new(StringComparer.Ordinal)
    {
        "GET /api/", "GET /api/health", "POST /api/auth/login", "POST /api/auth/hash-password",
    };

    public static TheoryData<string> BadCredentials => new()
    {
        "none", "expired", "other-key", "alg-none", "alg-none-signed", "malformed", "garbage", "basic", "forged-cookie", "email-only-no-exp",
    };

    [Fact]
    public void EveryApiRouteIsProtectedExceptTheKnownAnonymousOnes()
    {
        var routes = _console.ApiRoutes();
        var open = routes.Where(r => !r.Protected).Select(r => r.ToString()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Anonymous.Order(StringComparer.Ordinal), open.Order(StringComparer.Ordinal));
        Assert.True(routes.Count(r => r.Protected) >= 35, string.Join(", ", routes));
    }

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task EveryProtectedRoute_RefusesBadCredentials_With401AndDetail(string credential)
    {
        var routes = _console.ApiRoutes().Where(r => r.Protected).ToList();
        using var client = _console.Client();
        var failures = new List<string>();
        foreach (var route in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), new Uri(route.Fill("3f2504e0"), UriKind.Relative));
            if (route.Method is "POST" or "PUT")
            {
                request.Content = JsonContent.Create(new { command = "predict", key = "FPL_LOGIN", value = "x", url = "http://127.0.0.1:9/x" });
            }

            Apply(request, credential);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{route}: {(int)response.StatusCode} {body}");
            }
            else if (ApiFuzzTests.DetailProblem(response, body) is { } problem)
            {
                failures.Add($"{route}: {problem}");
            }
        }

        Assert.True(failures.Count == 0, $"{credential}: " + string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryProtectedRoute_RefusesAnotherUsersValidToken_With403()
    {
        var token = AuthTestData.PeerToken(AuthTestData.JwtSecret, "intruder@example.com", DateTimeOffset.UtcNow.AddHours(1));
        using var client = _console.Client(token);
        foreach (var route in _console.ApiRoutes().Where(r => r.Protected))
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), new Uri(route.Fill("3f2504e0"), UriKind.Relative));
            if (route.Method is "POST" or "PUT")
            {
                request.Content = JsonContent.Create(new { command = "predict" });
            }

            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{route}: {(int)response.StatusCode}");
            Assert.Null(ApiFuzzTests.DetailProblem(response, await response.Content.ReadAsStringAsync()));
        }
    }

    [Fact]
    public async Task TheAdminsToken_IsAccepted()
    {
        // The control for the refusals above: the same requests with the real token get through.
        using var client = _console.Client(await _console.TokenAsync());
        using var check = await client.GetAsync(new Uri("/api/auth/check", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        using var jobs = await client.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);
    }

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task JobsWebSocket_RefusesBadTokens(string credential)
    {
        var jobId = await CreateJobAsync();
        var token = credential switch
        {
            "none" or "forged-cookie" or "basic" => null,
            _ => TokenFor(credential),
        };
        var uri = new UriBuilder(_console.BaseAddress) { Scheme = "ws", Path = "/ws/jobs/" + jobId, Query = token is null ? string.Empty : "token=" + Uri.EscapeDataString(token) }.Uri;
        using var socket = new ClientWebSocket();
        if (credential == "forged-cookie")
        {
            socket.Options.SetRequestHeader("Cookie", "airsenalops.session=" + Forged());
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch (WebSocketException)
        {
            // Refused before the upgrade (HTTP 401) is as good as a 1008 close.
            Assert.NotEqual(WebSocketState.Open, socket.State);
            return;
        }

        var buffer = new byte[8192];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.True(result.MessageType == WebSocketMessageType.Close, "got a message: " + Encoding.UTF8.GetString(buffer, 0, result.Count));
        Assert.Equal((WebSocketCloseStatus)1008, socket.CloseStatus);
    }

    [Fact]
    public async Task JobsWebSocket_AcceptsTheAdminsToken()
    {
        var jobId = await CreateJobAsync();
        var uri = new UriBuilder(_console.BaseAddress) { Scheme = "ws", Path = "/ws/jobs/" + jobId, Query = "token=" + await _console.TokenAsync() }.Uri;
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(uri, timeout.Token);
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
    }

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Metrics_RefusesAnythingButItsTokenOrTheAdmins(string credential)
    {
        using var client = _console.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        Apply(request, credential);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("airsenalops_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AcceptsItsToken()
    {
        using var client = _console.Client(HostileConsole.MetricsToken);
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("airsenalops_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> CreateJobAsync()
    {
        using var client = _console.Client(await _console.TokenAsync());
        using var response = await client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), new { command = "update_db", parameters = new { } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static void Apply(HttpRequestMessage request, string credential)
    {
        switch (credential)
        {
            case "none":
                break;
            case "basic":
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(AuthTestData.AdminEmail + ":" + AuthTestData.AdminPassword)));
                break;
            case "forged-cookie":
                request.Headers.TryAddWithoutValidation("Cookie", "airsenalops.session=" + Forged());
                break;
            default:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + TokenFor(credential));
                break;
        }
    }

    /// <summary>A session cookie value made up by an attacker (Data Protection must reject it).</summary>
    private static string Forged() => "CfDJ8" + Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"email\":\"admin@example.com\",\"sid\":\"x\"}")).TrimEnd('=');

    private static string TokenFor(string credential)
    {
        var now = DateTimeOffset.UtcNow;
        return credential switch
        {
            "expired" => AuthTestData.PeerToken(AuthTestData.JwtSecret, AuthTestData.AdminEmail, now.AddMinutes(-1)),
            "other-key" => AuthTestData.PeerToken("another-jwt-secret-that-is-long-enough-9876543210", AuthTestData.AdminEmail, now.AddHours(1)),
            "alg-none" => Unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", now, signature: string.Empty),
            // alg none in the header but a real HS256 signature: the header must not pick the algorithm.
            "alg-none-signed" => WithHeader(AuthTestData.PeerToken(AuthTestData.JwtSecret, AuthTestData.AdminEmail, now.AddHours(1)), "{\"alg\":\"none\",\"typ\":\"JWT\"}"),
            "malformed" => "eyJhbGciOiJIUzI1NiJ9.not-base64!.sig",
            "garbage" => "....",
            "email-only-no-exp" => Unsigned("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", null, signature: null),
            _ => throw new ArgumentOutOfRangeException(nameof(credential)),
        };
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Unsigned(string header, DateTimeOffset? now, string? signature)
    {
        var payload = now is { } n
            ? $"{{\"email\":\"{AuthTestData.AdminEmail}\",\"exp\":{n.AddHours(1).ToUnixTimeSeconds()}}}"
            : $"{{\"email\":\"{AuthTestData.AdminEmail}\"}}";
        var unsigned = B64(Encoding.UTF8.GetBytes(header)) + "." + B64(Encoding.UTF8.GetBytes(payload));
        // A token without exp, correctly signed: refused because every token must expire.
        signature ??= B64(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(AuthTestData.JwtSecret), Encoding.UTF8.GetBytes(unsigned)));
        return unsigned + "." + signature;
    }

    private static string WithHeader(string token, string header)
    {
        var parts = token.Split('.');
        return B64(Encoding.UTF8.GetBytes(header)) + "." + parts[1] + "." + parts[2];
    }
}
