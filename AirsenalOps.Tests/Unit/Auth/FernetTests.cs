using System.Text;
using System.Text.Json;
using AirsenalOps.Core.Secrets;

namespace AirsenalOps.Tests.Unit.Auth;

/// <summary>Against vectors made by Python's cryptography.fernet (Fixtures/fernet/make_vectors.py), the peer's library.</summary>
public sealed class FernetTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "fernet", "vectors.json"))).RootElement;

    public static TheoryData<string> Generate() => Names("generate");

    public static TheoryData<string> Invalid() => Names("invalid");

    [Theory]
    [MemberData(nameof(Generate))]
    public void Encrypt_WithTheVectorsTimeAndIv_GivesPythonsExactToken(string desc)
    {
        var vector = Find("generate", desc);
        var iv = vector.GetProperty("iv").EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray();
        var now = DateTimeOffset.FromUnixTimeSeconds(vector.GetProperty("now").GetInt64());

        var token = Fernet.Encrypt(FernetKey.Parse(vector.GetProperty("secret").GetString()!),
            Encoding.UTF8.GetBytes(vector.GetProperty("src").GetString()!), now, iv);

        Assert.Equal(vector.GetProperty("token").GetString(), token);
    }

    [Theory]
    [MemberData(nameof(Generate))]
    public void Decrypt_SpecVectors_WithinTtl(string desc)
    {
        var vector = Find("generate", desc);
        var now = DateTimeOffset.FromUnixTimeSeconds(vector.GetProperty("now").GetInt64() + 1);

        var plain = Fernet.DecryptString(FernetKey.Parse(vector.GetProperty("secret").GetString()!), vector.GetProperty("token").GetString()!, now, TimeSpan.FromSeconds(60));

        Assert.Equal(vector.GetProperty("src").GetString(), plain);
    }

    [Fact]
    public void Decrypt_TokensPythonWroteWithARandomIv_GivesTheirText()
    {
        foreach (var vector in Vectors.GetProperty("python_tokens").EnumerateArray())
        {
            var key = FernetKey.Parse(vector.GetProperty("secret").GetString()!);
            Assert.Equal(vector.GetProperty("src").GetString(), Fernet.DecryptString(key, vector.GetProperty("token").GetString()!, DateTimeOffset.UtcNow));
        }
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Decrypt_RejectsTamperedOrMalformedTokens(string desc)
    {
        var vector = Find("invalid", desc);
        var key = FernetKey.Parse(vector.GetProperty("secret").GetString()!);

        Assert.Throws<InvalidFernetTokenException>(() =>
            Fernet.Decrypt(key, vector.GetProperty("token").GetString()!, DateTimeOffset.FromUnixTimeSeconds(499162801), TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Decrypt_WithTheWrongKey_Throws()
    {
        var vector = Vectors.GetProperty("wrong_key");

        Assert.Throws<InvalidFernetTokenException>(() =>
            Fernet.Decrypt(FernetKey.Parse(vector.GetProperty("secret").GetString()!), vector.GetProperty("token").GetString()!, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Decrypt_WithoutTtl_AcceptsATokenFrom1985_StoredSecretsNeverExpire()
    {
        var vector = Find("generate", "spec vector");
        var key = FernetKey.Parse(vector.GetProperty("secret").GetString()!);
        var token = vector.GetProperty("token").GetString()!;

        Assert.Equal("hello", Fernet.DecryptString(key, token, DateTimeOffset.UtcNow));
        Assert.Throws<InvalidFernetTokenException>(() => Fernet.Decrypt(key, token, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Decrypt_WithTtl_RejectsATokenStampedFarInTheFuture()
    {
        var key = FernetKey.Parse(FernetKey.Generate());
        var token = Fernet.Encrypt(key, "x", DateTimeOffset.UtcNow.AddHours(1));

        Assert.Throws<InvalidFernetTokenException>(() => Fernet.Decrypt(key, token, DateTimeOffset.UtcNow, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void EncryptThenDecrypt_RoundTripsUnicode_AndUsesAFreshIvEachTime()
    {
        var key = FernetKey.Parse(FernetKey.Generate());
        var now = DateTimeOffset.UtcNow;

        var first = Fernet.Encrypt(key, "pässwörd £ ∞", now);
        var second = Fernet.Encrypt(key, "pässwörd £ ∞", now);

        Assert.NotEqual(first, second);
        Assert.Equal("pässwörd £ ∞", Fernet.DecryptString(key, first, now));
        Assert.True(Fernet.LooksLikeToken(first));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("my plain password")]
    [InlineData("$2b$12$abcdefghijklmnopqrstuuJ8wzCjH4t9Iv7kJZ4q6i5L0Qb2cLk1i")]
    public void LooksLikeToken_IsFalseForLegacyPlainValues(string value) => Assert.False(Fernet.LooksLikeToken(value));

    [Theory]
    [InlineData("too-short")]
    [InlineData("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4")]
    [InlineData("cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4=")]
    public void FernetKey_RejectsMalformedKeys_WithoutEchoingThem(string key)
    {
        var error = Assert.Throws<FormatException>(() => FernetKey.Parse(key));
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }

    private static JsonElement Find(string group, string desc) =>
        Vectors.GetProperty(group).EnumerateArray().Single(v => v.GetProperty("desc").GetString() == desc);

    private static TheoryData<string> Names(string group)
    {
        var data = new TheoryData<string>();
        foreach (var v in Vectors.GetProperty(group).EnumerateArray())
        {
            data.Add(v.GetProperty("desc").GetString()!);
        }

        return data;
    }
}
