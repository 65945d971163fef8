using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Jobs;
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

    /// <summary>
    /// The AIrsenal command catalogue with its hooks. Call after AddJobs: a later command of the same name
    /// replaces the engine's plain peer command.
    /// </summary>
    public static IHostApplicationBuilder AddAirsenalCommands(this IHostApplicationBuilder builder)
    {
        foreach (var name in AirsenalCommandNames)
        {
            builder.Services.AddJobCommand(services => AirsenalCommands
                .Build(services.GetRequiredService<AirsenalDatabase>(), services.GetRequiredService<IOptions<AirsenalOptions>>(), services.GetRequiredService<TimeProvider>())
                .Single(c => c.Name == name));
        }

        return builder;
    }

    /// <summary>The names <see cref="AirsenalCommands.Build"/> defines, in catalogue order.</summary>
    internal static IReadOnlyList<string> AirsenalCommandNames { get; } =
        ["setup_db", "update_db", "predict", "optimize", "pipeline", "make_squad", "make_transfers", "set_lineup", "check_data", "replay_season"];
}
