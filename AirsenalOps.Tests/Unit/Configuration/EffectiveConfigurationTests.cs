using System.Reflection;
using AirsenalOps.Tests.Support;
using AirsenalOps.Web.Configuration;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Tests.Unit.Configuration;

public sealed class EffectiveConfigurationTests : IDisposable
{
    // A prefix of its own, so the process-wide variables set here reach no other test's host.
    private readonly string _prefix = "UIENV_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant() + "_";
    private readonly TempDirectory _dir = new();
    private readonly List<string> _variables = [];

    [Fact]
    public void EachSetting_SaysWhereItCameFrom_EnvironmentAppSettingsOrDefault()
    {
        SetVariable("DB_BACKUPS", "7");
        File.WriteAllText(_dir.File("appsettings.json"), """{ "LOG_LEVEL": "DEBUG", "DB_BACKUPS": "2" }""");

        var settings = List(new ConfigurationBuilder()
            .AddJsonFile(_dir.File("appsettings.json"))
            .AddEnvironmentVariables(_prefix));

        // Later providers win, as in the host: the variable beats appsettings.
        Assert.Equal(("7", SettingSource.EnvironmentVariable), Find(settings, "DB_BACKUPS"));
        Assert.Equal(("DEBUG", SettingSource.AppSettings), Find(settings, "LOG_LEVEL"));
        Assert.Equal(("360", SettingSource.Default), Find(settings, "JOB_TIMEOUT_MINUTES"));
        Assert.Equal(("true", SettingSource.Default), Find(settings, "RATE_LIMIT_ENABLED"));
        Assert.Equal(("not set", SettingSource.Default), Find(settings, "AIRSENAL_BIN_DIR"));
        Assert.Equal(("https://fantasy.premierleague.com/api/", SettingSource.Default), Find(settings, "FPL_API_BASE_URL"));
        Assert.Equal("Airsenal", settings.Single(s => s.Name == "DB_BACKUPS").Area);
    }

    [Fact]
    public void Secrets_ReadSetOrNotSet_AndTheirValuesAppearNowhere()
    {
        var secrets = new Dictionary<string, string?>
        {
            ["JWT_SECRET"] = "jwt-value-0123456789",
            ["ENCRYPTION_KEY"] = "fernet-key-value-abcdef",
            ["METRICS_TOKEN"] = "metrics-token-value",
            ["APP_ADMIN_PASSWORD_HASH"] = "$2b$12$hashhashhashhashhash",
        };

        var settings = List(new ConfigurationBuilder().AddInMemoryCollection(secrets));

        foreach (var (name, value) in secrets)
        {
            var setting = settings.Single(s => s.Name == name);
            Assert.Equal("set", setting.Value);
            Assert.True(setting.Redacted);
            Assert.DoesNotContain(settings, s => s.Value.Contains(value!, StringComparison.Ordinal));
        }

        Assert.Equal(SettingSource.Other, settings.Single(s => s.Name == "JWT_SECRET").Source);
    }

    [Fact]
    public void AnUnsetSecret_ReadsNotSet()
    {
        var setting = List(new ConfigurationBuilder()).Single(s => s.Name == "METRICS_TOKEN");

        Assert.Equal(("not set", true), (setting.Value, setting.Redacted));
    }

    [Theory]
    [InlineData("mongodb://admin:s3cret@db1:27017,db2:27017/airsenal?authSource=admin&tls=true", "mongodb://***@db1:27017,db2:27017/airsenal?…")]
    [InlineData("mongodb://db:27017", "mongodb://db:27017")]
    [InlineData("mongodb+srv://user:p%40ss@cluster.example.net/", "mongodb+srv://***@cluster.example.net/")]
    public void MongoUrl_IsShownWithoutCredentialsOrQuery(string url, string shown)
    {
        var setting = List(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MONGO_URL"] = url, ["DB_NAME"] = "airsenal" }))
            .Single(s => s.Name == "MONGO_URL");

        Assert.Equal(shown, setting.Value);
        Assert.DoesNotContain("s3cret", setting.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOtherUrlWithCredentials_LosesThem()
    {
        var setting = List(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PUBLIC_BASE_URL"] = "https://bob:hunter2@console.example.com/" }))
            .Single(s => s.Name == "PUBLIC_BASE_URL");

        Assert.Equal("https://***@console.example.com/", setting.Value);
        Assert.True(setting.Redacted);
    }

    [Fact]
    public void EveryBoundVariableOfCoreAndWeb_IsListed_Once()
    {
        var names = new[] { typeof(AirsenalOps.Core.Storage.StorageOptions).Assembly, typeof(EffectiveConfiguration).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetProperties())
            .Select(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

        var listed = List(new ConfigurationBuilder()).Select(s => s.Name).ToList();

        Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());
        Assert.Subset(listed.ToHashSet(StringComparer.Ordinal), names);
        Assert.Superset(new HashSet<string>(StringComparer.Ordinal) { "DATA_DIR", "PERSISTENT_DB_PATH", "JOB_CONCURRENCY", "FPL_API_TIMEOUT_SECONDS", "SCHEDULER_TICK_SECONDS", "CORS_ORIGINS", "LOG_FORMAT" }, listed.ToHashSet(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("JWT_SECRET", true)]
    [InlineData("SECRET_KEY", true)]
    [InlineData("ADMIN_TOKEN", true)]
    [InlineData("SOME_API_KEY", true)]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("DB_BACKUPS", false)]
    [InlineData("APP_ADMIN_EMAIL", false)]
    [InlineData("AIRSENAL_HOME", false)]
    public void SecretNames_AreRecognised(string name, bool secret) => Assert.Equal(secret, EffectiveConfiguration.IsSecret(name));

    private static List<EffectiveSetting> List(IConfigurationBuilder builder) => [.. new EffectiveConfiguration(builder.Build()).List()];

    private static (string, SettingSource) Find(IEnumerable<EffectiveSetting> settings, string name)
    {
        var setting = settings.Single(s => s.Name == name);
        return (setting.Value, setting.Source);
    }

    private void SetVariable(string name, string value)
    {
        System.Environment.SetEnvironmentVariable(_prefix + name, value);
        _variables.Add(_prefix + name);
    }

    public void Dispose()
    {
        foreach (var name in _variables)
        {
            System.Environment.SetEnvironmentVariable(name, null);
        }

        _dir.Dispose();
    }
}
