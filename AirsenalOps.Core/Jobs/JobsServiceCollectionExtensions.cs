using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AirsenalOps.Core.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The job engine: queue, runner, retries, live logs.</summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<JobOptions>(builder.Configuration);
        return builder;
    }
}
