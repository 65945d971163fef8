using System.Net;
using AirsenalOps.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.E2E.Support;

/// <summary>
/// The whole console served by Kestrel on 127.0.0.1 and a free port, in-process, so a real browser
/// can open it while the test still reaches its services.
/// </summary>
public sealed class LiveConsole : IDisposable
{
    private readonly ConsoleFactory _factory;

    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "correct horse battery";

    public const string JwtSecret = "e2e-jwt-secret-that-is-long-enough-0123456789";

    // A cheap bcrypt cost keeps sign-in fast on a loaded machine.
    private static readonly string AdminHash = BCrypt.Net.BCrypt.HashPassword(AdminPassword, BCrypt.Net.BCrypt.GenerateSalt(4, 'b'));

    /// <param name="settings">Flat settings on top of the defaults.</param>
    /// <param name="firstRun">No admin configured: the browser must go through the first-run setup.</param>
    public LiveConsole(IReadOnlyDictionary<string, string?>? settings = null, bool firstRun = false)
    {
        var all = new Dictionary<string, string?>
        {
            ["JWT_SECRET"] = JwtSecret,
        };
        if (!firstRun)
        {
            all["APP_ADMIN_EMAIL"] = AdminEmail;
            all["APP_ADMIN_PASSWORD_HASH"] = AdminHash;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        _factory = new ConsoleFactory(all);
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        BaseUrl = addresses.First().TrimEnd('/');
    }

    /// <summary>http://127.0.0.1:port, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public IServiceProvider Services => _factory.Services;

    public string DataDir => _factory.DataDir;

    public string Url(string path) => BaseUrl + "/" + path.TrimStart('/');

    public void Dispose() => _factory.Dispose();
}
