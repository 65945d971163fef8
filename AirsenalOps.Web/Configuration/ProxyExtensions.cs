using AirsenalOps.Core;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Web.Configuration;

/// <summary>
/// Behind a reverse proxy every request arrives from the proxy: TRUSTED_PROXIES names the proxies whose
/// X-Forwarded-For/-Proto are believed, so throttling, failure logs and the audit trail see the real client.
/// </summary>
public static class ProxyExtensions
{
    public static WebApplicationBuilder AddProxyHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ApiOptions>(builder.Configuration);
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ApiOptions>>((options, api) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; only what the operator lists is trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in api.Value.TrustedProxyNetworks())
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline, so everything after it sees the client's own address.</summary>
    public static WebApplication UseProxyHeaders(this WebApplication app)
    {
        // With empty proxy lists the middleware believes every sender, so without TRUSTED_PROXIES it stays out.
        if (app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.TrustedProxyList.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
