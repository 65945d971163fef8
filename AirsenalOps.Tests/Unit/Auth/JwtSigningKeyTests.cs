using AirsenalOps.Core;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Support;
using AirsenalOps.Web.Auth;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Tests.Unit.Auth;

public sealed class JwtSigningKeyTests
{
    [Fact]
    public void Missing_OutsideDevelopment_IsAConfigurationError_NamingJwtSecret()
    {
        using var data = new TempDirectory();

        var error = Assert.Throws<ConfigurationException>(() => Key(data, Environments.Production, null).Key);

        Assert.StartsWith("JWT_SECRET is not set", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(data.File(JwtOptions.SecretFileName)));
    }

    [Fact]
    public void Missing_InDevelopment_IsGeneratedOnceIntoDataDir_OwnerOnly()
    {
        using var data = new TempDirectory();

        var first = Key(data, Environments.Development, null).Key.Key;
        var second = Key(data, Environments.Development, null).Key.Key;

        Assert.Equal(first, second);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(data.File(JwtOptions.SecretFileName)));
        }
    }

    [Fact]
    public void Set_IsUsedAsIs_InAnyEnvironment()
    {
        using var data = new TempDirectory();

        var key = Key(data, Environments.Production, "a-secret-of-more-than-thirty-two-bytes!!").Key.Key;

        Assert.Equal("a-secret-of-more-than-thirty-two-bytes!!"u8.ToArray(), key);
        Assert.False(File.Exists(data.File(JwtOptions.SecretFileName)));
    }

    private static JwtSigningKey Key(TempDirectory data, string environment, string? secret) => new(
        Options.Create(new JwtOptions { Secret = secret }),
        Options.Create(new StorageOptions { DataDir = data.Path }),
        new TestEnvironment(environment),
        NullLogger<JwtSigningKey>.Instance);

    private sealed class TestEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "AirsenalOps.Tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
