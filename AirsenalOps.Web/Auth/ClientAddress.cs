namespace AirsenalOps.Web.Auth;

/// <summary>The client a request comes from, for throttling and for failure logs.</summary>
public static class ClientAddress
{
    public static string Of(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
