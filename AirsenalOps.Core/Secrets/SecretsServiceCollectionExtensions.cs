using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AirsenalOps.Core.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>Encrypted secrets (after <c>AddStorage</c>): the service, its <see cref="ISecretReader"/> face for jobs, and the key check at start.</summary>
    public static IHostApplicationBuilder AddSecrets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SecretsOptions>(builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SecretCipher>();
        builder.Services.AddSingleton<SecretsService>();
        builder.Services.AddSingleton<ISecretReader>(sp => sp.GetRequiredService<SecretsService>());
        builder.Services.AddHostedService<SecretsInitializer>();
        return builder;
    }
}
