using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>Outgoing webhooks on finished jobs and chains. Needs AddJobs, AddSecrets and AddSchedules.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<NotificationOptions>(builder.Configuration);
        services.AddSingleton<NotificationService>();
        services.AddSingleton(sp => new WebhookDispatcher(
            sp.GetRequiredService<Jobs.JobNotifier>(),
            sp.GetRequiredService<Schedules.ScheduleService>(),
            sp.GetRequiredService<NotificationService>(),
            // Per-attempt timeouts come from WEBHOOK_TIMEOUT_SECONDS; the client's own must not cut them short.
            new HttpClient { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetRequiredService<IOptions<NotificationOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WebhookDispatcher>>()));
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return builder;
    }
}
