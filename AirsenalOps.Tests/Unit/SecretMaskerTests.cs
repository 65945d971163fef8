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

    [Fact]
    public void Apply_ReturnsTheSameText_WhenNoValueOccurs()
    {
        var masker = new SecretMasker(["hunter22", "me@example.com"]);
        var text = "line 123456 \x1b[32mhunter2\x1b[0m me@example";

        Assert.Same(text, masker.Apply(text));
        Assert.Same(text, SecretMasker.Empty.Apply(text));
    }

    [Fact]
    public void Apply_MasksEveryValueWherever_ItStands()
    {
        string[] values = ["alpha-1", "bravo-22", "charlie-333", "delta-4444", "echo-55555", "foxtrot-666666", "golf-7777777"];
        var masker = new SecretMasker(values);

        var masked = masker.Apply("golf-7777777" + string.Join(" \x1b[1m", values) + "alpha-1");

        Assert.Equal("***" + string.Join(" \x1b[1m", values.Select(_ => "***")) + "***", masked);
    }

    [Theory]
    [InlineData("S3c\u001b[0mr3t-value", "***\u001b[0m")]
    [InlineData("<\u001b[31mS3c\u001b[1;32mr3t-\u001b[0mvalue>", "<\u001b[31m***\u001b[1;32m\u001b[0m>")]
    [InlineData("\u001b]0;title\u0007S3cr3t-\u001b[Kvalue", "\u001b]0;title\u0007***\u001b[K")]
    public void Apply_MasksAValueSplitByEscapeCodes_KeepingTheCodes(string text, string masked)
    {
        Assert.Equal(masked, new SecretMasker(["S3cr3t-value"]).Apply(text));
    }

    [Fact]
    public void Apply_MasksWhatTheViewShows_WhenAStrayEscapeOnlyLosesItsEsc()
    {
        // `ESC [h` before a letter is no sequence (the view shows "[h"), so no value is joined across it; the
        // plain text every other reader sees is the same.
        var masker = new SecretMasker(["S3cr3t-value"]);
        var text = "S3c\u001b[hr3t-value";

        Assert.Same(text, masker.Apply(text));
        Assert.Equal("S3c[hr3t-value", AirsenalOps.Core.Jobs.Ansi.Strip(text));
    }

    [Theory]
    [InlineData("xxS3cr", "xx***")]
    [InlineData("xxS3c\u001b[0mr3", "xx***")]
    [InlineData("xxS3c\u001b[3", "xx***")]
    [InlineData("xx\u001b[31mS", "xx\u001b[31m***")]
    [InlineData("xx ok", "xx ok")]
    public void MaskCutEnd_MasksTheStartOfAValue_TheCutLeftAtTheEnd(string text, string masked)
    {
        Assert.Equal(masked, new SecretMasker(["S3cr3t-value"]).MaskCutEnd(text));
    }
}
