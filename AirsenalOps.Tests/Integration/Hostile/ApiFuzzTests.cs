using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Integration.Team;
using Xunit.Abstractions;

namespace AirsenalOps.Tests.Integration.Hostile;

/// <summary>
/// A bounded, seeded fuzz over every /api route the app maps: 10,000 hostile requests on a real socket.
/// The console must never answer 5xx, must stay up, and every 4xx it writes must be a readable {"detail"}.
/// </summary>
public sealed class ApiFuzzTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Seed = 20_261_127;
    private const int TotalRequests = 10_000;
    private const int Workers = 8;

    private FplStubServer _fpl = null!;
    private HostileConsole _console = null!;

    public async Task InitializeAsync()
    {
        // The team routes call FPL: a local stub, so they answer at once (there is no internet here).
        _fpl = await FplStubServer.StartAsync();
        _console = new HostileConsole(new Dictionary<string, string?> { ["FPL_API_BASE_URL"] = _fpl.BaseUrl });
    }

    public async Task DisposeAsync() => await _fpl.DisposeAsync();

    public void Dispose() => _console?.Dispose();

    [Fact]
    public async Task Fuzz_EveryApiRoute_NeverFailsAndAlwaysExplains()
    {
        var routes = _console.ApiRoutes();
        // The list comes from the endpoint data source: a sanity floor proves it is not empty or partial.
        Assert.True(routes.Count >= 40, $"only {routes.Count} API routes found: {string.Join(", ", routes)}");
        Assert.Contains(routes, r => r is { Method: "POST", Pattern: "/api/jobs" });

        var token = await _console.TokenAsync();
        // The fuzzer may post its token to /api/auth/logout, which signs it out, and its bad logins trip the login
        // throttle: the check at the end uses a second sign-in's token, taken now (each token is distinct).
        string spare;
        using (var login = _console.Client())
        {
            spare = await AuthTestData.LoginAsync(login);
        }

        var requests = FuzzPlan.Build(routes, new Random(Seed), TotalRequests);
        Assert.Equal(TotalRequests, requests.Count);

        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var next = -1;
        var watch = Stopwatch.StartNew();
        using var authorized = _console.Client(token);
        using var anonymous = _console.Client();
        // Requests Kestrel refuses by closing the connection get clients of their own, away from the pool of the others.
        using var transportAuthorized = _console.Client(token);
        using var transportAnonymous = _console.Client();
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
            {
                var fuzz = requests[i];
                var client = fuzz.Transport ? (fuzz.Anonymous ? transportAnonymous : transportAuthorized) : fuzz.Anonymous ? anonymous : authorized;
                var problem = await SendAsync(client, fuzz, statuses);
                if (problem is not null)
                {
                    failures.Add($"{fuzz}: {problem}");
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        watch.Stop();

        output.WriteLine($"{requests.Count} requests over {routes.Count} routes in {watch.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        // Server errors first, then one example per kind of request and problem.
        var examples = failures.OrderBy(f => f.Contains(": 5", StringComparison.Ordinal) ? 0 : 1)
            .GroupBy(f => f.Split(' ')[0] + f[f.LastIndexOf(": ", StringComparison.Ordinal)..].Split(' ')[1]).Select(g => g.First()).Take(30);
        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers, e.g.:\n" + string.Join("\n", examples));
        Assert.Contains(statuses.Keys, s => s == 413);
        Assert.Contains(statuses.Keys, s => s is 431 or 400);

        // Still alive and still serving the admin.
        using var health = await anonymous.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var admin = _console.Client(spare);
        using var jobs = await admin.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);
    }

    [Fact]
    public async Task OversizedBody_WithContentLength_Is413WithDetail()
    {
        using var client = _console.Client(await _console.TokenAsync());
        var body = new byte[(1024 * 1024) + 1];
        body.AsSpan().Fill((byte)' ');
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1048576", await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedBody_Chunked_Is413WithDetail()
    {
        using var client = _console.Client(await _console.TokenAsync());
        // No Content-Length: the limit can only be noticed while the endpoint reads the body.
        var json = "{\"key\":\"FPL_LOGIN\",\"value\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/secrets", UriKind.Relative)) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await DetailAsync(response)));
    }

    [Fact]
    public async Task MalformedJsonAndWrongTypes_Are400WithDetailNamingTheProblem()
    {
        using var client = _console.Client(await _console.TokenAsync());
        using var malformed = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), Json("{\"command\": "));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("JSON", await DetailAsync(malformed), StringComparison.Ordinal);

        using var wrongType = await client.PostAsync(new Uri("/api/secrets", UriKind.Relative), Json("{\"key\": 5, \"value\": []}"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("JSON", await DetailAsync(wrongType), StringComparison.Ordinal);

        using var badQuery = await client.GetAsync(new Uri("/api/jobs?limit=many", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);
        Assert.Contains("limit", await DetailAsync(badQuery), StringComparison.Ordinal);

        var utf7 = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"command\":\"predict\"}"));
        utf7.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-7");
        using var charset = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), utf7);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, charset.StatusCode);
        Assert.Contains("UTF-8", await DetailAsync(charset), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongMethodOrMissingContentType_AreNot404()
    {
        using var client = _console.Client(await _console.TokenAsync());
        using var wrongMethod = await client.PutAsync(new Uri("/api/health", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Contains("GET", await DetailAsync(wrongMethod), StringComparison.Ordinal);
        Assert.Contains("GET", wrongMethod.Content.Headers.Allow);

        using var noBody = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, noBody.StatusCode);
        Assert.Contains("application/json", await DetailAsync(noBody), StringComparison.Ordinal);

        using var unknown = await client.GetAsync(new Uri("/api/no-such-thing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task OversizedHeaders_AreRefusedAndTheServerStaysUp()
    {
        using var client = _console.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/health", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("X-Hostile", new string('h', 64 * 1024));
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.RequestHeaderFieldsTooLarge or HttpStatusCode.BadRequest, response.StatusCode.ToString());

        using var again = _console.Client();
        using var health = await again.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static ByteArrayContent Json(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString() ?? string.Empty;
    }

    /// <summary>Sends one request; returns what was wrong with the answer, or null.</summary>
    private static async Task<string?> SendAsync(HttpClient client, FuzzRequest fuzz, ConcurrentDictionary<int, int> statuses)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendOnceAsync(client, fuzz);
        }
        catch (HttpRequestException ex)
        {
            // Kestrel may close the connection on a request it refuses outright (e.g. before reading a huge body).
            if (fuzz.Transport)
            {
                return null;
            }

            // A pooled connection the server had just closed: one retry on a fresh one. A request that really
            // breaks the server fails again.
            try
            {
                response = await SendOnceAsync(client, fuzz);
            }
            catch (HttpRequestException again)
            {
                return $"connection failed twice: {ex.Message} / {again.Message}";
            }
        }
        catch (TaskCanceledException)
        {
            return "no answer within the client timeout";
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                return $"{status} {Shorten(body)}";
            }

            if (fuzz.ExpectTooLarge && status != 413)
            {
                return $"expected 413 for a body over the limit, got {status}";
            }

            if (status is < 400 or >= 500 || fuzz.Method == "HEAD")
            {
                // A HEAD answer has no body by definition.
                return null;
            }

            if (fuzz.Transport && body.Length == 0 && status is 400 or 414 or 431)
            {
                // Kestrel refuses a request line or headers over its limits before any middleware runs.
                return null;
            }

            return DetailProblem(response, body);
        }
    }

    private static async Task<HttpResponseMessage> SendOnceAsync(HttpClient client, FuzzRequest fuzz)
    {
        using var request = fuzz.ToMessage();
        return await client.SendAsync(request);
    }

    internal static string? DetailProblem(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var type = response.Content.Headers.ContentType?.MediaType;
        if (type is null || !type.Contains("json", StringComparison.Ordinal))
        {
            return $"{status} with content type '{type}': {Shorten(body)}";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("detail", out var detail)
                || detail.ValueKind != JsonValueKind.String)
            {
                return $"{status} without a string detail: {Shorten(body)}";
            }

            var text = detail.GetString()!;
            if (string.IsNullOrWhiteSpace(text) || text.Length > 501 || text.Any(c => char.IsControl(c) && c is not '\n' and not '\t')
                || text.Contains("   at ", StringComparison.Ordinal))
            {
                return $"{status} with an unreadable detail: {Shorten(text)}";
            }

            return null;
        }
        catch (JsonException)
        {
            return $"{status} with a body that is not JSON: {Shorten(body)}";
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
