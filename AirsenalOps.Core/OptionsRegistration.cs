using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Core;

public static class OptionsRegistration
{
    /// <summary>
    /// Binds an options record from the configuration root (the variables are flat, like MONGO_URL)
    /// and validates it when the host starts, so a bad value stops the start, not a job at 3 a.m.
    /// </summary>
    public static IServiceCollection AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration configuration)
        where TOptions : class
    {
        services.AddOptions<TOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
