using AirsenalOps.Core.Auth;

namespace AirsenalOps.Tests.Unit.Auth;

public sealed class PasswordHasherTests
{
    /// <summary>
    /// A <c>$2b$</c> hash made outside .NET: Python 3.11's <c>crypt.crypt(password, "$2b$12$KnMqjSoKhN8YyiGNqn7Fde")</c>
    /// (libxcrypt's bcrypt; the <c>bcrypt</c> package itself is not installed here). Same format as the peer's hashes.
    /// </summary>
    private const string Known2bHash = "$2b$12$KnMqjSoKhN8YyiGNqn7FdeCu4yzftzXdQzcXelBuSrkHRItekT60q";
    private const string Known2bPassword = "airsenal-admin-2024";

    [Fact]
    public void Verify_AcceptsAKnown2bHash()
    {
        Assert.True(PasswordHasher.Verify(Known2bPassword, Known2bHash));
        Assert.False(PasswordHasher.Verify(Known2bPassword + "x", Known2bHash));
    }

    [Fact]
    public void Hash_Writes2bHashes_ThatVerify()
    {
        var hash = new PasswordHasher(4).Hash("secret password");

        Assert.StartsWith("$2b$04$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.IsBcryptHash(hash));
        Assert.True(PasswordHasher.Verify("secret password", hash));
    }

    [Fact]
    public void Verify_Accepts2aAnd2yHashesOfTheSamePassword()
    {
        var hash = new PasswordHasher(4).Hash("secret password");

        Assert.True(PasswordHasher.Verify("secret password", "$2a$" + hash[4..]));
        Assert.True(PasswordHasher.Verify("secret password", "$2y$" + hash[4..]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("$2b$12$short")]
    public void Verify_IsFalseForAnythingThatIsNotAHash(string? hash) =>
        Assert.False(PasswordHasher.Verify("whatever", hash));

    [Theory]
    [InlineData(null, false)]
    [InlineData("short", false)]
    [InlineData("long enough", true)]
    public void Problem_NamesWeakPasswords(string? password, bool acceptable) =>
        Assert.Equal(acceptable, PasswordHasher.Problem(password) is null);

    [Fact]
    public void Problem_RefusesMoreThan72Bytes_WhichBcryptWouldIgnore() =>
        Assert.NotNull(PasswordHasher.Problem(new string('é', 37)));
}
