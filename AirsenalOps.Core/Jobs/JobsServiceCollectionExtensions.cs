using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AirsenalOps.Core.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The job engine: command catalogue, queue, runner, retries, live logs.</summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<JobOptions>(builder.Configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISecretReader, NoSecrets>();
        // The AIrsenal layer's registry comes first (AddAirsenalCommands); a command added one by one after it
        // (a test's) replaces one of the same name.
        services.AddSingleton(sp => new CommandCatalogue(
            [.. sp.GetServices<ICommandSource>().SelectMany(source => source.Commands), .. sp.GetServices<JobCommand>()]));
        services.AddSingleton<JobNotifier>();
        services.AddSingleton<JobStateChanger>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<JobEngine>());
        services.AddSingleton<JobService>();
        return builder;
    }

    /// <summary>Adds a set of commands to the catalogue (the AIrsenal registry), built once.</summary>
    public static IServiceCollection AddJobCommands(this IServiceCollection services, Func<IServiceProvider, ICommandSource> factory) =>
        services.AddSingleton(factory);

    /// <summary>Adds a command to the catalogue; a later command with the same name replaces it.</summary>
    public static IServiceCollection AddJobCommand(this IServiceCollection services, JobCommand command) =>
        services.AddSingleton(command);

    /// <summary>Adds a command built from services (for hooks that need them).</summary>
    public static IServiceCollection AddJobCommand(this IServiceCollection services, Func<IServiceProvider, JobCommand> factory) =>
        services.AddSingleton(factory);
}
