using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Core;

public static class OptionsRegistration
{
    /// <summary>
    /// Binds an options record from the configuration root (the variables are flat, like MONGO_URL)
    /// and validates it when the host starts, so a bad value stops the start, not a job at 3 a.m.
    /// Several areas may ask for the same record (the API's body limit, rate limiter, CORS and proxies all
    /// read ApiOptions): it is bound and validated once, so a bad value is reported once.
    /// </summary>
    public static IServiceCollection AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration configuration)
        where TOptions : class
    {
        if (services.Any(service => service.ServiceType == typeof(Registered<TOptions>)))
        {
            return services;
        }

        services.AddSingleton<Registered<TOptions>>();
        services.AddOptions<TOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>Marks an options record as bound and validated already.</summary>
    private sealed class Registered<TOptions>;
}
