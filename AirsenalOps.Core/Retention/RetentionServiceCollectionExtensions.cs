using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AirsenalOps.Core.Retention;

public static class RetentionServiceCollectionExtensions
{
    /// <summary>Retention of finished jobs and their logs (after <c>AddJobs()</c>); off unless a setting asks for it.</summary>
    public static IHostApplicationBuilder AddRetention(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<RetentionOptions>(builder.Configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LogRetention>();
        services.AddHostedService<RetentionWorker>();
        return builder;
    }
}
