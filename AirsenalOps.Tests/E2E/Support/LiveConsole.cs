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

    public LiveConsole(IReadOnlyDictionary<string, string?>? settings = null)
    {
        _factory = new ConsoleFactory(settings);
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
