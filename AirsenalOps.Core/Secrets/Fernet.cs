using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AirsenalOps.Core.Secrets;

/// <summary>A token that is not a valid Fernet token for the key: tampered, truncated, wrong key or expired.</summary>
public sealed class InvalidFernetTokenException : Exception
{
    public InvalidFernetTokenException()
    {
    }

    public InvalidFernetTokenException(string message)
        : base(message)
    {
    }

    public InvalidFernetTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A Fernet key: url-safe base64 of 32 bytes, the first half signs (HMAC-SHA256), the second encrypts (AES-128-CBC).
/// The same format as Python's <c>cryptography.fernet.Fernet.generate_key()</c>.
/// </summary>
public sealed class FernetKey
{
    private FernetKey(byte[] signingKey, byte[] encryptionKey)
    {
        SigningKey = signingKey;
        EncryptionKey = encryptionKey;
    }

    internal byte[] SigningKey { get; }

    internal byte[] EncryptionKey { get; }

    /// <summary>Parses a key; the message never repeats the key itself.</summary>
    public static FernetKey Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bytes = Fernet.DecodeBase64Url(key.Trim());
        if (bytes is not { Length: 32 })
        {
            throw new FormatException("A Fernet key is the url-safe base64 encoding of exactly 32 bytes.");
        }

        return new FernetKey(bytes[..16], bytes[16..]);
    }

    public static bool TryParse(string? key, out FernetKey? parsed)
    {
        try
        {
            parsed = key is null ? null : Parse(key);
        }
        catch (FormatException)
        {
            parsed = null;
        }

        return parsed is not null;
    }

    /// <summary>A new random key in the text form Python's library writes.</summary>
    public static string Generate() => Fernet.EncodeBase64Url(RandomNumberGenerator.GetBytes(32));
}

/// <summary>
/// The Fernet token format (github.com/fernet/spec): version 0x80, 64-bit big-endian timestamp, 128-bit IV,
/// AES-128-CBC ciphertext with PKCS7 padding, HMAC-SHA256 over all of that, url-safe base64 with padding.
/// No maintained NuGet package implements it, so it is built here on System.Security.Cryptography.
/// </summary>
public static class Fernet
{
    private const byte Version = 0x80;
    private const int HeaderLength = 1 + 8 + 16;
    private const int MacLength = 32;

    /// <summary>Python's library rejects tokens stamped more than this far in the future.</summary>
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    public static string Encrypt(FernetKey key, string plaintext, DateTimeOffset now) =>
        Encrypt(key, Encoding.UTF8.GetBytes(plaintext), now, RandomNumberGenerator.GetBytes(16));

    /// <summary>Encrypts with a given IV: only test vectors need to choose it.</summary>
    public static string Encrypt(FernetKey key, byte[] plaintext, DateTimeOffset now, byte[] iv)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(iv);
        if (iv.Length != 16)
        {
            throw new ArgumentException("The IV is 16 bytes.", nameof(iv));
        }

        using var aes = Aes.Create();
        aes.Key = key.EncryptionKey;
        var ciphertext = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);

        var token = new byte[HeaderLength + ciphertext.Length + MacLength];
        token[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(token.AsSpan(1, 8), (ulong)now.ToUnixTimeSeconds());
        iv.CopyTo(token, 9);
        ciphertext.CopyTo(token, HeaderLength);
        HMACSHA256.HashData(key.SigningKey, token.AsSpan(0, token.Length - MacLength), token.AsSpan(token.Length - MacLength));
        return EncodeBase64Url(token);
    }

    public static string DecryptString(FernetKey key, string token, DateTimeOffset now, TimeSpan? ttl = null) =>
        Encoding.UTF8.GetString(Decrypt(key, token, now, ttl));

    /// <summary>
    /// Verifies and decrypts a token. <paramref name="ttl"/> null means no time checks at all: stored secrets
    /// never expire.
    /// </summary>
    public static byte[] Decrypt(FernetKey key, string token, DateTimeOffset now, TimeSpan? ttl = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var data = DecodeBase64Url(token ?? string.Empty)
            ?? throw new InvalidFernetTokenException("The token is not url-safe base64.");
        if (data.Length < HeaderLength + 16 + MacLength || data[0] != Version)
        {
            throw new InvalidFernetTokenException("The token is too short or has an unknown version.");
        }

        var expected = HMACSHA256.HashData(key.SigningKey, data.AsSpan(0, data.Length - MacLength));
        if (!CryptographicOperations.FixedTimeEquals(expected, data.AsSpan(data.Length - MacLength)))
        {
            throw new InvalidFernetTokenException("The token's signature does not match: wrong key or altered token.");
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(1, 8)), long.MaxValue / 1000));
        // As in Python's library, both time checks apply only when a TTL is asked for.
        if (ttl is { } maxAge && issued + maxAge < now)
        {
            throw new InvalidFernetTokenException("The token has expired.");
        }

        if (ttl is not null && issued > now + MaxClockSkew)
        {
            throw new InvalidFernetTokenException("The token is stamped in the future.");
        }

        var ciphertext = data.AsSpan(HeaderLength, data.Length - HeaderLength - MacLength);
        if (ciphertext.Length % 16 != 0)
        {
            throw new InvalidFernetTokenException("The ciphertext is not a whole number of blocks.");
        }

        try
        {
            using var aes = Aes.Create();
            aes.Key = key.EncryptionKey;
            return aes.DecryptCbc(ciphertext, data.AsSpan(9, 16), PaddingMode.PKCS7);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidFernetTokenException("The token's padding is invalid.", ex);
        }
    }

    /// <summary>
    /// True when a stored value has the shape of a Fernet token (version byte 0x80 and room for IV, one block
    /// and MAC). Used to tell encrypted values from the peer's legacy plain-text rows.
    /// </summary>
    public static bool LooksLikeToken(string? value) =>
        value is { Length: >= 98 } && value.StartsWith("gAAAAA", StringComparison.Ordinal)
        && DecodeBase64Url(value) is { Length: >= HeaderLength + 16 + MacLength } data && data[0] == Version;

    internal static string EncodeBase64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');

    /// <summary>Url-safe base64 with or without padding; null when the text is not base64.</summary>
    internal static byte[]? DecodeBase64Url(string text)
    {
        var standard = text.Replace('-', '+').Replace('_', '/');
        if (standard.Contains('+', StringComparison.Ordinal) && text.Contains('+', StringComparison.Ordinal)
            || standard.Contains('/', StringComparison.Ordinal) && text.Contains('/', StringComparison.Ordinal))
        {
            // '+' and '/' belong to the standard alphabet, not the url-safe one.
            return null;
        }

        standard = standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '=');
        var buffer = new byte[standard.Length * 3 / 4];
        return Convert.TryFromBase64String(standard, buffer, out var written) ? buffer[..written] : null;
    }
}
