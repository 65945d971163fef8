using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.Auth;

/// <summary>An admin configured through the environment, with a cheap bcrypt cost so tests stay fast.</summary>
internal static class AuthTestData
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "correct horse battery";
    public const string JwtSecret = "test-jwt-secret-that-is-long-enough-0123456789";
    public const string EncryptionKey = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

    public static readonly string AdminHash = BCrypt.Net.BCrypt.HashPassword(AdminPassword, BCrypt.Net.BCrypt.GenerateSalt(4, 'b'));

    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["APP_ADMIN_EMAIL"] = AdminEmail,
            ["APP_ADMIN_PASSWORD_HASH"] = AdminHash,
            ["JWT_SECRET"] = JwtSecret,
            ["ENCRYPTION_KEY"] = EncryptionKey,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static async Task<string> LoginAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { email = AdminEmail, password = AdminPassword });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    public static HttpClient Authorized(this ConsoleFactory factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// A token made by hand exactly as the peer's PyJWT does: HS256 over {"email", "exp"} and, when given, "iat"
    /// (the older console's later versions add it); never our "stamp".
    /// </summary>
    public static string PeerToken(string secret, string email, DateTimeOffset expires, DateTimeOffset? issuedAt = null)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64(Encoding.UTF8.GetBytes("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"));
        var iat = issuedAt is { } at ? $",\"iat\":{at.ToUnixTimeSeconds()}" : string.Empty;
        var payload = B64(Encoding.UTF8.GetBytes($"{{\"email\":\"{email}\",\"exp\":{expires.ToUnixTimeSeconds()}{iat}}}"));
        var signature = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(header + "." + payload)));
        return header + "." + payload + "." + signature;
    }

    public static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
}
