using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AirsenalOps.Core.Auth;
using AirsenalOps.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Integration.Auth;

public sealed class AuthApiTests : IDisposable
{
    private readonly ConsoleFactory _factory = new(AuthTestData.Settings());

    [Fact]
    public async Task Login_WithTheAdminsCredentials_ReturnsATokenThatPassesCheck()
    {
        var client = _factory.CreateClient();
        var response = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative),
            new { email = "Admin@Example.com", password = AuthTestData.AdminPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(AuthTestData.AdminEmail, body.GetProperty("email").GetString());

        var check = await _factory.Authorized(body.GetProperty("token").GetString()!).GetFromJsonAsync<JsonElement>(new Uri("/api/auth/check", UriKind.Relative));
        Assert.Equal(AuthTestData.AdminEmail, check.GetProperty("email").GetString());
        Assert.True(check.GetProperty("authenticated").GetBoolean());
    }

    [Theory]
    [InlineData(AuthTestData.AdminEmail, "wrong password")]
    [InlineData("someone@example.com", AuthTestData.AdminPassword)]
    [InlineData(null, null)]
    public async Task Login_WithWrongCredentials_Answers401InvalidCredentials(string? email, string? password)
    {
        var response = await _factory.CreateClient().PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { email, password });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Invalid credentials", await AuthTestData.DetailAsync(response));
    }

    [Fact]
    public async Task Login_WithoutAnyAdmin_Answers401NotConfigured()
    {
        using var factory = new ConsoleFactory(new Dictionary<string, string?> { ["JWT_SECRET"] = AuthTestData.JwtSecret });
        var response = await factory.CreateClient().PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative),
            new { email = AuthTestData.AdminEmail, password = AuthTestData.AdminPassword });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Admin credentials not configured", await AuthTestData.DetailAsync(response));
    }

    [Fact]
    public async Task FortyConcurrentWrongPasswords_GetOnlyFiveChecks()
    {
        // Issue 13.6: the throttle was checked before and counted after the bcrypt check, so concurrent
        // guesses all passed the check (40 got 14 checks). An attempt is now counted before it is checked.
        var client = _factory.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { email = AuthTestData.AdminEmail, password = "guess-" + i })));

        Assert.Equal(LoginThrottle.MaxFailures, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(40 - LoginThrottle.MaxFailures, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Login_AfterFiveFailures_Answers429WithRetryAfter_EvenForTheRightPassword()
    {
        var client = _factory.CreateClient();
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            var failed = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { email = AuthTestData.AdminEmail, password = "nope-" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        var response = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative),
            new { email = AuthTestData.AdminEmail, password = AuthTestData.AdminPassword });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 15 * 60);
        Assert.Contains("Too many failed logins", await AuthTestData.DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_ExpiresAfterTwelveHours_WithFakeTime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var factory = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time)));
        var token = await AuthTestData.LoginAsync(factory.CreateClient());
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        time.Advance(TimeSpan.FromHours(11.9));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/auth/check", UriKind.Relative))).StatusCode);

        time.Advance(TimeSpan.FromHours(0.2));
        var expired = await client.GetAsync(new Uri("/api/auth/check", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("Token has expired", await AuthTestData.DetailAsync(expired));
    }

    [Fact]
    public async Task PeerToken_FromPyJwtWithTheSameSecret_IsAccepted_EvenWithAShortSecret()
    {
        using var factory = new ConsoleFactory(AuthTestData.Settings(("JWT_SECRET", "short")));
        var token = AuthTestData.PeerToken("short", AuthTestData.AdminEmail, DateTimeOffset.UtcNow.AddHours(1));

        var response = await factory.Authorized(token).GetAsync(new Uri("/api/auth/check", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_SignedWithAnotherSecret_IsRejected401()
    {
        var token = AuthTestData.PeerToken("some-other-secret", AuthTestData.AdminEmail, DateTimeOffset.UtcNow.AddHours(1));

        var response = await _factory.Authorized(token).GetAsync(new Uri("/api/auth/check", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Invalid token", await AuthTestData.DetailAsync(response));
    }

    [Fact]
    public async Task Token_ForAnotherAddress_IsForbidden403()
    {
        var token = AuthTestData.PeerToken(AuthTestData.JwtSecret, "intruder@example.com", DateTimeOffset.UtcNow.AddHours(1));

        var response = await _factory.Authorized(token).GetAsync(new Uri("/api/auth/check", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(await AuthTestData.DetailAsync(response)));
    }

    [Fact]
    public async Task EveryApiRoute_ExceptThePublicOnes_Answers401WithoutAToken()
    {
        var client = _factory.CreateClient();
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .ToList();
        var publicRoutes = new[] { "/api/health", "/api/auth/login", "/api/auth/hash-password", "/api/", "/api/{**rest}" };
        var protectedRoutes = endpoints.Where(e => !publicRoutes.Contains(e.RoutePattern.RawText)).ToList();
        Assert.Contains(protectedRoutes, e => e.RoutePattern.RawText!.StartsWith("/api/secrets", StringComparison.Ordinal));
        Assert.Contains(protectedRoutes, e => e.RoutePattern.RawText == "/api/auth/check");

        foreach (var endpoint in protectedRoutes)
        {
            Assert.Contains(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == "Admin");
            var path = System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!, @"\{[^}]+\}", "x");
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = JsonContent.Create(new { });
                }

                var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode}");
                Assert.False(string.IsNullOrEmpty(await AuthTestData.DetailAsync(response)));
            }
        }
    }

    [Fact]
    public async Task HashPassword_ReturnsAPython2bHashThatVerifies()
    {
        var response = await _factory.CreateClient().PostAsJsonAsync(new Uri("/api/auth/hash-password", UriKind.Relative), new { password = "a fine password" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hash = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hash").GetString();
        Assert.StartsWith("$2b$12$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("a fine password", hash));
    }

    [Fact]
    public async Task HashPassword_RefusesAnEmptyOrTooLongPassword_422()
    {
        var client = _factory.CreateClient();
        var empty = await client.PostAsJsonAsync(new Uri("/api/auth/hash-password", UriKind.Relative), new { password = "" });
        var tooLong = await client.PostAsJsonAsync(new Uri("/api/auth/hash-password", UriKind.Relative), new { password = new string('x', 73) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
