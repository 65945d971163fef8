using System.ComponentModel.DataAnnotations;
using AirsenalOps.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Tests.Unit.Configuration;

public sealed class OptionsRegistrationTests
{
    [Fact]
    public void ARecordAskedForByThreeAreas_IsBoundOnce_AndABadValueIsReportedOnce()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["SIZE"] = "0" }).Build();
        var services = new ServiceCollection();

        services.AddValidatedOptions<SizeOptions>(configuration);
        services.AddValidatedOptions<SizeOptions>(configuration);
        services.AddValidatedOptions<SizeOptions>(configuration);

        using var provider = services.BuildServiceProvider();
        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SizeOptions>>().Value);
        Assert.Contains("SIZE must be between 1 and 10.", Assert.Single(failure.Failures), StringComparison.Ordinal);
        Assert.Single(provider.GetServices<IConfigureOptions<SizeOptions>>());
    }

    [Fact]
    public void AGoodValue_IsBound()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["SIZE"] = "7" }).Build();
        var services = new ServiceCollection().AddValidatedOptions<SizeOptions>(configuration);

        using var provider = services.BuildServiceProvider();

        Assert.Equal(7, provider.GetRequiredService<IOptions<SizeOptions>>().Value.Size);
    }

    public sealed class SizeOptions
    {
        [Range(1, 10, ErrorMessage = "SIZE must be between 1 and 10.")]
        [Microsoft.Extensions.Configuration.ConfigurationKeyName("SIZE")]
        public int Size { get; init; } = 5;
    }
}
