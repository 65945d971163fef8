using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Schedules;

public static class SchedulesServiceCollectionExtensions
{
    /// <summary>Schedules (cron or FPL-deadline relative) and the hosted scheduler. Needs <c>AddJobs()</c>.</summary>
    public static IHostApplicationBuilder AddSchedules(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ScheduleOptions>(builder.Configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDeadlineSource>(sp =>
        {
            var baseUrl = sp.GetRequiredService<IOptions<ScheduleOptions>>().Value.FplApiBaseUrl;
            var http = new HttpClient
            {
                BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/"),
                Timeout = TimeSpan.FromSeconds(30),
            };
            http.DefaultRequestHeaders.UserAgent.ParseAdd("AirsenalOps");
            return new FplDeadlineSource(http, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FplDeadlineSource>>());
        });
        services.TryAddSingleton<IScheduledJobs, EngineScheduledJobs>();
        services.AddSingleton<ScheduleService>();
        services.AddSingleton<Scheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<Scheduler>());
        return builder;
    }
}
