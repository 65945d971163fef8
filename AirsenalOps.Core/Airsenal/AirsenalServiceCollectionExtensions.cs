using AirsenalOps.Core.Airsenal.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AirsenalOps.Core.Airsenal;

public static class AirsenalServiceCollectionExtensions
{
    /// <summary>AIrsenal's CLI and database locations.</summary>
    public static IHostApplicationBuilder AddAirsenal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AirsenalOptions>(builder.Configuration);
        builder.Services.AddSingleton<AirsenalCli>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AirsenalDatabase>();
        return builder;
    }
}
