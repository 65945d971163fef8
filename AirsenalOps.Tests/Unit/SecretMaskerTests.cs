using AirsenalOps.Core.Secrets;

namespace AirsenalOps.Tests.Unit;

public sealed class SecretMaskerTests
{
    [Fact]
    public void Apply_MasksSensitiveValuesOnly()
    {
        var masker = SecretMasker.For(new Dictionary<string, string>
        {
            ["FPL_PASSWORD"] = "hunter22",
            ["FPL_LOGIN"] = "me@example.com",
            ["FPL_TEAM_ID"] = "123456",
        });

        var masked = masker.Apply("login me@example.com with hunter22 for team 123456");

        Assert.Equal("login *** with *** for team 123456", masked);
    }

    [Fact]
    public void Apply_MasksTheLongerValueWhole_WhenOneContainsAnother()
    {
        var masker = new SecretMasker(["secret", "secret-and-more"]);

        Assert.Equal("x *** y ***", masker.Apply("x secret-and-more y secret"));
    }

    [Fact]
    public void Apply_IgnoresTooShortValues()
    {
        Assert.Equal("a b", new SecretMasker(["a"]).Apply("a b"));
    }

    [Theory]
    [InlineData("OPENAI_API_KEY", true)]
    [InlineData("SLACK_WEBHOOK_URL", true)]
    [InlineData("GITHUB_TOKEN", true)]
    [InlineData("MY_PASS", true)]
    [InlineData("FPL_LOGIN", true)]
    [InlineData("FPL_TEAM_ID", false)]
    [InlineData("FPL_LEAGUE_ID", false)]
    [InlineData("AIRSENAL_HOME", false)]
    [InlineData("KEYBOARD_LAYOUT", false)]
    public void IsSensitive_KnowsCredentialsByTheirName(string key, bool sensitive)
    {
        Assert.Equal(sensitive, SecretMasker.IsSensitive(key));
    }

    [Fact]
    public void For_MasksAUsersOwnApiKey()
    {
        var masker = SecretMasker.For(new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-abc123", ["FAKE_SCENARIO"] = "echo" });

        Assert.Equal("key=*** scenario=echo", masker.Apply("key=sk-abc123 scenario=echo"));
    }
}
