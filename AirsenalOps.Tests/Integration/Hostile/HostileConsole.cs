using System.Net;
using System.Net.Http.Headers;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Hostile;

/// <summary>One HTTP route of the running console, as its endpoint data source lists it.</summary>
public sealed record ApiRoute(string Method, string Pattern, bool Protected)
{
    public override string ToString() => $"{Method} {Pattern}";

    /// <summary>The route with every parameter replaced by <paramref name="value"/> (already URL-encoded).</summary>
    public string Fill(string value) => ParameterSegment().Replace(Pattern, value);

    private static System.Text.RegularExpressions.Regex ParameterSegment() => new(@"\{\*{0,2}[^}]+\}", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}

/// <summary>
/// The whole console on Kestrel at 127.0.0.1 and a free port (a real socket: oversized headers and bodies
/// reach Kestrel's limits), an admin from <see cref="AuthTestData"/> and the fake AIrsenal scripts.
/// </summary>
public sealed class HostileConsole : IDisposable
{
    private readonly Factory _factory;
    private string? _token;

    public HostileConsole()
        : this(null)
    {
    }

    internal HostileConsole(IReadOnlyDictionary<string, string?>? settings)
    {
        var all = AuthTestData.Settings(
            ("AIRSENAL_BIN_DIR", FakeAirsenalBin),
            ("MAX_JOB_RETRIES", "0"),
            ("RATE_LIMIT_ENABLED", "false"),
            ("METRICS_TOKEN", MetricsToken));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        _factory = new Factory(all);
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        BaseAddress = new Uri(addresses.First());
    }

    public const string MetricsToken = "metrics-scraper-token-0123456789";

    /// <summary>The AIrsenal stand-in scripts copied next to the tests, made executable.</summary>
    public static string FakeAirsenalBin { get; } = PrepareBin();

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _factory.Services;

    public HttpClient Client(string? token = null, TimeSpan? timeout = null)
    {
        // A fresh handler per client: no cookies shared between tests, no connection reuse surprises.
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task<string> TokenAsync()
    {
        if (_token is null)
        {
            using var client = Client();
            _token = await AuthTestData.LoginAsync(client);
        }

        return _token;
    }

    /// <summary>Every HTTP route the app maps (read from its endpoint data source, so new routes are included).</summary>
    public IReadOnlyList<ApiRoute> Routes()
    {
        var routes = new List<ApiRoute>();
        foreach (var endpoint in Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).Trim('/');
            // A group's "" route reads "/api/jobs/"; the API root keeps its slash ("/api/").
            pattern = pattern == "/api" ? "/api/" : pattern;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET", "POST", "PUT", "DELETE"];
            var isProtected = endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Count > 0
                && endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null;
            foreach (var method in methods)
            {
                routes.Add(new ApiRoute(method, pattern, isProtected));
            }
        }

        return routes.Distinct().OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();
    }

    /// <summary>The JSON API's routes (under /api), without the catch-all fallback.</summary>
    public IReadOnlyList<ApiRoute> ApiRoutes() =>
        Routes().Where(r => r.Pattern.StartsWith("/api/", StringComparison.Ordinal) && !r.Pattern.Contains("{**", StringComparison.Ordinal)).ToList();

    public void Dispose() => _factory.Dispose();

    /// <summary>The console with a cheap bcrypt cost: the fuzz calls /api/auth/hash-password hundreds of times.</summary>
    private sealed class Factory(IReadOnlyDictionary<string, string?> settings) : ConsoleFactory(settings)
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.ConfigureTestServices(builder, services => services.AddSingleton(new AirsenalOps.Core.Auth.PasswordHasher(4)));
        }
    }

    private static string PrepareBin()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "airsenal-output", "bin");
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in Directory.GetFiles(dir))
            {
                File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return dir;
    }
}
