using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AirsenalOps.Core.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>The admin identity, password hashing, login throttling and first-run setup (after <c>AddSecrets</c>).</summary>
    public static IHostApplicationBuilder AddAdminAccount(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AdminOptions>(builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(new PasswordHasher());
        builder.Services.AddSingleton<AdminAccount>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<FirstRunSetup>();
        builder.Services.AddHostedService<FirstRunSetupAnnouncer>();
        return builder;
    }
}
