using AirsenalOps.Core.Secrets;
using AirsenalOps.Web.Auth;
using System.Security.Cryptography;
using System.Text;

namespace AirsenalOps.Tests.Unit.Auth;

public sealed class SecretKeysTests
{
    [Theory]
    [InlineData("FPL_TEAM_ID", "123456")]
    [InlineData("FPL_TEAM_ID", "")]
    [InlineData("MY_KEY_2", "anything")]
    [InlineData("APP_ADMIN_EMAIL", "admin@example.com")]
    [InlineData("APP_ADMIN_PASSWORD_HASH", "$2b$12$KnMqjSoKhN8YyiGNqn7FdeCu4yzftzXdQzcXelBuSrkHRItekT60q")]
    public void Validate_AcceptsGoodPairs(string key, string value) => SecretKeys.Validate(key, value);

    [Theory]
    [InlineData("fpl_team_id", "1")]
    [InlineData("1KEY", "1")]
    [InlineData("KEY-WITH-DASH", "1")]
    [InlineData("", "1")]
    [InlineData("FPL_TEAM_ID", "abc")]
    [InlineData("FPL_TEAM_ID", "0")]
    [InlineData("FPL_TEAM_ID", "-5")]
    [InlineData("FPL_TEAM_ID", "1.5")]
    [InlineData("APP_ADMIN_EMAIL", "not an address")]
    [InlineData("APP_ADMIN_PASSWORD_HASH", "plain-password")]
    public void Validate_RefusesBadPairs_WithoutEchoingTheValue(string key, string value)
    {
        var error = Assert.Throws<SecretValidationException>(() => SecretKeys.Validate(key, value));
        if (value.Length > 3)
        {
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_RefusesAKeyLongerThan64_AndAValueOver4KB()
    {
        Assert.Throws<SecretValidationException>(() => SecretKeys.Validate("A" + new string('B', 64), "x"));
        SecretKeys.Validate("A_" + new string('B', 62), new string('x', 4096));
        Assert.Throws<SecretValidationException>(() => SecretKeys.Validate("MY_KEY", new string('x', 4097)));
    }

    [Fact]
    public void ShortJwtSecret_PaddedWithZeros_SignsExactlyLikeTheRawSecret()
    {
        var data = Encoding.UTF8.GetBytes("header.payload");

        Assert.Equal(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes("short"), data),
            HMACSHA256.HashData(JwtSigningKey.ToHmacKey("short"), data));
        Assert.Equal(32, JwtSigningKey.ToHmacKey("short").Length);
    }
}
