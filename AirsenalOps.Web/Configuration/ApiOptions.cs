using System.ComponentModel.DataAnnotations;
using System.Net;

namespace AirsenalOps.Web.Configuration;

/// <summary>CORS, rate limiting and proxies for the JSON API, under the peer console's variable names (TRUSTED_PROXIES is ours).</summary>
public sealed record ApiOptions : IValidatableObject
{
    /// <summary>Comma-separated origins allowed to call the API from a browser.</summary>
    [ConfigurationKeyName("CORS_ORIGINS")]
    public string CorsOrigins { get; init; } = "http://localhost:3000";

    [ConfigurationKeyName("RATE_LIMIT_ENABLED")]
    public bool RateLimitEnabled { get; init; } = true;

    [ConfigurationKeyName("RATE_LIMIT_PER_MINUTE")]
    [Range(1, 1_000_000, ErrorMessage = "RATE_LIMIT_PER_MINUTE must be between 1 and 1000000.")]
    public int RateLimitPerMinute { get; init; } = 60;

    /// <summary>
    /// The largest request body the JSON API reads (bytes; 1 MB by default). Its requests are small JSON
    /// documents: a bigger body is refused with 413 before anything parses it.
    /// </summary>
    [ConfigurationKeyName("API_MAX_BODY_BYTES")]
    [Range(1024, 1L << 30, ErrorMessage = "API_MAX_BODY_BYTES must be between 1024 and 1073741824.")]
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Comma-separated addresses or CIDR networks of reverse proxies whose X-Forwarded-For/-Proto are believed.
    /// Empty (the default) believes nobody, so a client cannot spoof its address to dodge the rate limit.
    /// </summary>
    [ConfigurationKeyName("TRUSTED_PROXIES")]
    public string TrustedProxies { get; init; } = "";

    /// <summary>
    /// Whether <c>/ws/jobs/{id}</c> refuses a socket without <c>?token=</c> (the default). The older console's
    /// React app opens its log socket without one; <c>false</c> lets it follow jobs on a private network. A
    /// socket that brings a token is checked either way.
    /// </summary>
    [ConfigurationKeyName("WS_REQUIRE_TOKEN")]
    public bool WsRequireToken { get; init; } = true;

    public IReadOnlyList<string> CorsOriginList =>
        CorsOrigins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in CorsOriginList)
        {
            if (origin != "*" && !Uri.TryCreate(origin, UriKind.Absolute, out _))
            {
                yield return new ValidationResult($"CORS_ORIGINS has '{origin}', which is not an absolute URL.", ["CORS_ORIGINS"]);
            }
        }

        foreach (var proxy in TrustedProxyList)
        {
            if (!IPNetwork.TryParse(proxy, out _) && !IPAddress.TryParse(proxy, out _))
            {
                yield return new ValidationResult($"TRUSTED_PROXIES has '{proxy}', which is neither an IP address nor a CIDR network.", ["TRUSTED_PROXIES"]);
            }
        }
    }

    public IReadOnlyList<string> TrustedProxyList =>
        TrustedProxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Each trusted proxy as a network (a single address is a /32 or /128).</summary>
    public IEnumerable<IPNetwork> TrustedProxyNetworks() =>
        TrustedProxyList.Select(proxy => IPNetwork.TryParse(proxy, out var network)
            ? network
            : new IPNetwork(IPAddress.Parse(proxy), IPAddress.Parse(proxy).GetAddressBytes().Length * 8));
}
