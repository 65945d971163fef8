using System.Net;
using System.Net.Sockets;

namespace AirsenalOps.Tests.Support;

public static class Loopback
{
    /// <summary>A loopback port nothing listens on (it was free a moment ago): connections to it are refused at once.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
