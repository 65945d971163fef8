using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AirsenalOps.Core.Airsenal;

public static class AirsenalServiceCollectionExtensions
{
    /// <summary>AIrsenal's CLI and database locations.</summary>
    public static IHostApplicationBuilder AddAirsenal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AirsenalOptions>(builder.Configuration);
        builder.Services.AddSingleton<AirsenalCli>();
        return builder;
    }
}
