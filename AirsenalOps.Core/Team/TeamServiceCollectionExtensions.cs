using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Team;

public static class TeamServiceCollectionExtensions
{
    /// <summary>The FPL API client (typed HttpClient with retries and timeouts) and the team service.</summary>
    public static IHostApplicationBuilder AddTeam(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<FplOptions>(builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient<FplClient>((services, http) =>
            {
                http.BaseAddress = services.GetRequiredService<IOptions<FplOptions>>().Value.BaseUri;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("AirsenalOps/1.0");
                // The resilience handler owns the timeouts; HttpClient's own would cut retries short.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider services) =>
            {
                var fpl = services.GetRequiredService<IOptions<FplOptions>>().Value;
                var attempt = TimeSpan.FromSeconds(fpl.TimeoutSeconds);
                // Retries on 408, 429 and 5xx (and timeouts), with exponential backoff and jitter.
                resilience.Retry.MaxRetryAttempts = 3;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(fpl.RetryDelayMs);
                resilience.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
                resilience.AttemptTimeout.Timeout = attempt;
                resilience.TotalRequestTimeout.Timeout = attempt * 4 + TimeSpan.FromMilliseconds(fpl.RetryDelayMs * 16);
                resilience.CircuitBreaker.SamplingDuration = attempt * 2 + TimeSpan.FromSeconds(1);
            });
        builder.Services.AddSingleton<FplBootstrapCache>();
        builder.Services.AddTransient<TeamService>();
        return builder;
    }
}
