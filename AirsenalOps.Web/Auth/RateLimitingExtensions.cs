using System.Globalization;
using System.Threading.RateLimiting;
using AirsenalOps.Core;
using AirsenalOps.Web.Api;
using AirsenalOps.Web.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Web.Auth;

/// <summary>
/// Who may call the JSON API how often, and from which browser origins: RATE_LIMIT_ENABLED,
/// RATE_LIMIT_PER_MINUTE and CORS_ORIGINS, as the peer console read them.
/// </summary>
public static class RateLimitingExtensions
{
    internal const string CorsPolicy = "api";

    public static WebApplicationBuilder AddRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ApiOptions>(builder.Configuration);
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiOptions>>((options, api) =>
        {
            var settings = api.Value;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                !settings.RateLimitEnabled || !IsLimited(context)
                    ? RateLimitPartition.GetNoLimiter(string.Empty)
                    : RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = settings.RateLimitPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    }));
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await response.WriteAsJsonAsync(
                    new ErrorDetail($"Rate limit exceeded: {settings.RateLimitPerMinute} requests per minute"), cancellationToken);
            };
        });

        builder.Services.AddCors(options => options.AddPolicy(CorsPolicy, _ => { }));
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<ApiOptions>>((options, api) =>
            options.AddPolicy(CorsPolicy, policy =>
            {
                var origins = api.Value.CorsOriginList;
                if (origins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins([.. origins]);
                }

                policy.AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("Retry-After");
            }));
        return builder;
    }

    /// <summary>The API and the WebSocket are limited; health checks, static files and the Blazor circuit are not.</summary>
    internal static bool IsLimited(HttpContext context) =>
        context.IsApiRequest() && !context.Request.Path.StartsWithSegments(ApiExtensions.Prefix + "/health");

    /// <summary>The client: the token's address when authenticated, else the remote address.</summary>
    internal static string PartitionKey(HttpContext context) =>
        AdminTokenValidator.EmailOf(context.User) is { Length: > 0 } email && context.User.Identity?.IsAuthenticated == true
            ? "user:" + email.ToUpperInvariant()
            : "ip:" + ClientAddress.Of(context);
}
