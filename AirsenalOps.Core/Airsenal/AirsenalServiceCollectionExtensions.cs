using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Airsenal;

public static class AirsenalServiceCollectionExtensions
{
    /// <summary>AIrsenal's CLI and database locations.</summary>
    public static IHostApplicationBuilder AddAirsenal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AirsenalOptions>(builder.Configuration);
        builder.Services.AddSingleton<AirsenalCli>();
        builder.Services.AddSingleton<AirsenalPython>();
        builder.Services.AddHostedService<AirsenalProbeWarmup>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AirsenalDatabase>();
        // Needs the job catalogue and a secret reader, so it is resolved from AddJobs/AddSecrets at use.
        builder.Services.AddSingleton<AirsenalEnvironment>();
        return builder;
    }

    /// <summary>The job catalogue's commands: every command of the registry (<see cref="AirsenalCommands.All"/>) with its hooks, built once.</summary>
    public static IHostApplicationBuilder AddAirsenalCommands(this IHostApplicationBuilder builder)
    {
        builder.Services.AddJobCommands(services => new AirsenalCommandSource(AirsenalCommands.Build(
            services.GetRequiredService<AirsenalDatabase>(), services.GetRequiredService<IOptions<AirsenalOptions>>(), services.GetRequiredService<TimeProvider>())));
        return builder;
    }

    private sealed record AirsenalCommandSource(IReadOnlyList<JobCommand> Commands) : ICommandSource;
}
