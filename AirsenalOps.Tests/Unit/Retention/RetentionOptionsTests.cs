using AirsenalOps.Core;
using AirsenalOps.Core.Retention;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Tests.Unit.Retention;

public sealed class RetentionOptionsTests
{
    private static RetentionOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var provider = new ServiceCollection().AddValidatedOptions<RetentionOptions>(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<RetentionOptions>>().Value;
    }

    [Fact]
    public void Defaults_AreOff_AndDeleteNothing()
    {
        var options = Bind([]);

        Assert.Equal((0, 0, 0L, 60), (options.LogRetentionDays, options.JobRetentionPerCommand, options.LogMaxTotalMb, options.RetentionIntervalMinutes));
        Assert.False(options.Enabled);
        Assert.Equal(string.Empty, options.Describe());
    }

    [Fact]
    public void SetValues_AreBound_AndDescribedForTheStartUpLog()
    {
        var options = Bind(new() { ["LOG_RETENTION_DAYS"] = "30", ["JOB_RETENTION_PER_COMMAND"] = "100", ["LOG_MAX_TOTAL_MB"] = "500" });

        Assert.True(options.Enabled);
        Assert.Equal(500L * 1024 * 1024, options.MaxTotalBytes);
        var text = options.Describe();
        Assert.Contains("finished more than 30 days ago", text, StringComparison.Ordinal);
        Assert.Contains("newest 100 of each command", text, StringComparison.Ordinal);
        Assert.Contains("more than 500 MB", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LOG_RETENTION_DAYS", "-1", "LOG_RETENTION_DAYS must be between 0 (off) and 36500.")]
    [InlineData("JOB_RETENTION_PER_COMMAND", "-5", "JOB_RETENTION_PER_COMMAND must be between 0 (off) and 1000000.")]
    [InlineData("LOG_MAX_TOTAL_MB", "-1", "LOG_MAX_TOTAL_MB must be between 0 (off) and 10000000.")]
    [InlineData("RETENTION_INTERVAL_MINUTES", "0", "RETENTION_INTERVAL_MINUTES must be between 1 and 10080.")]
    public void ABadValue_StopsTheStart_WithItsName(string key, string value, string message)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));

        Assert.Contains(message, Assert.Single(failure.Failures), StringComparison.Ordinal);
    }
}
