using AirsenalOps.Core.Team;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AirsenalOps.Core.Schedules;

public static class SchedulesServiceCollectionExtensions
{
    /// <summary>Schedules (cron or FPL-deadline relative) and the hosted scheduler. Needs <c>AddJobs()</c> and the team layer's FPL client.</summary>
    public static IHostApplicationBuilder AddSchedules(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ScheduleOptions>(builder.Configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDeadlineSource>(sp => new FplDeadlineSource(
            async cancellationToken =>
            {
                // FplClient is a typed HttpClient (transient): take a fresh one for each daily read.
                var bootstrap = await sp.GetRequiredService<FplClient>().GetBootstrapAsync(cancellationToken);
                return [.. bootstrap.Events.Where(e => e.DeadlineTime is not null).Select(e => e.DeadlineTime!.Value)];
            },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FplDeadlineSource>>()));
        services.TryAddSingleton<IScheduledJobs, EngineScheduledJobs>();
        services.AddSingleton<ScheduleService>();
        services.AddSingleton<Scheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<Scheduler>());
        return builder;
    }
}
