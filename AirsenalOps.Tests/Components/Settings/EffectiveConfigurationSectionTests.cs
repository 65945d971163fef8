using AirsenalOps.Web.Components.Pages.Settings;
using AirsenalOps.Web.Configuration;
using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Components.Settings;

public sealed class EffectiveConfigurationSectionTests : MudTestContext
{
    public EffectiveConfigurationSectionTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JWT_SECRET"] = "jwt-secret-never-on-a-page",
            ["MONGO_URL"] = "mongodb://admin:mongo-password@db:27017/?authSource=admin",
            ["DB_NAME"] = "airsenal",
            ["JOB_CONCURRENCY"] = "2",
        }).Build();
        Services.AddSingleton(new EffectiveConfiguration(configuration));
    }

    [Fact]
    public void ListsEveryNonSecretValue_WithItsSource_AndNoSecretValue()
    {
        var section = Render<EffectiveConfigurationSection>();

        Assert.Equal("2", section.Find("[data-testid=setting-JOB_CONCURRENCY] [data-testid=setting-value]").TextContent.Trim());
        Assert.Equal("host setting", section.Find("[data-testid=setting-JOB_CONCURRENCY] [data-testid=setting-source]").TextContent.Trim());
        Assert.Equal("5", section.Find("[data-testid=setting-DB_BACKUPS] [data-testid=setting-value]").TextContent.Trim());
        Assert.Equal("default", section.Find("[data-testid=setting-DB_BACKUPS] [data-testid=setting-source]").TextContent.Trim());
        Assert.Equal("set", section.Find("[data-testid=setting-JWT_SECRET] [data-testid=setting-value]").TextContent.Trim());
        Assert.Equal("not set", section.Find("[data-testid=setting-ENCRYPTION_KEY] [data-testid=setting-value]").TextContent.Trim());
        Assert.Equal("mongodb://***@db:27017/?…", section.Find("[data-testid=setting-MONGO_URL] [data-testid=setting-value]").TextContent.Trim());
        Assert.DoesNotContain("jwt-secret-never-on-a-page", section.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("mongo-password", section.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void GeneratedKeys_ReadAsGeneratedWithTheirFile_NotAsNotSet()
    {
        using var data = new AirsenalOps.Tests.Support.TempDirectory();
        File.WriteAllText(Path.Combine(data.Path, "jwt-secret"), "generated-jwt-never-on-a-page\n");
        File.WriteAllText(Path.Combine(data.Path, "encryption.key"), "generated-fernet-never-on-a-page\n");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DATA_DIR"] = data.Path }).Build();
        // The last registration wins: this one replaces the constructor's.
        Services.AddSingleton(new EffectiveConfiguration(configuration));

        var section = Render<EffectiveConfigurationSection>();

        foreach (var (name, file) in new[] { ("JWT_SECRET", "jwt-secret"), ("ENCRYPTION_KEY", "encryption.key") })
        {
            Assert.Equal("generated: " + Path.Combine(data.Path, file), section.Find($"[data-testid=setting-{name}] [data-testid=setting-value]").TextContent.Trim());
            Assert.Equal("generated at start", section.Find($"[data-testid=setting-{name}] [data-testid=setting-source]").TextContent.Trim());
        }

        Assert.DoesNotContain("never-on-a-page", section.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SettingSource.EnvironmentVariable, "environment variable")]
    [InlineData(SettingSource.AppSettings, "appsettings")]
    [InlineData(SettingSource.CommandLine, "command line")]
    [InlineData(SettingSource.Default, "default")]
    public void Sources_ReadAsWords(SettingSource source, string text) => Assert.Equal(text, EffectiveConfigurationSection.SourceText(source));
}
