using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Web.Auth;

/// <summary>
/// Browser sessions of the admin. A session cookie carries a session id and the admin's stamp; it stays valid
/// until it expires, its id is revoked (logout) or the stamp no longer matches (address or password changed).
/// Revoked ids are kept in DATA_DIR so a logout survives a restart like the cookie does.
/// </summary>
public sealed class AdminSessions : IDisposable
{
    public const string SessionClaim = "sid";
    public const string StampClaim = "stamp";

    private readonly AdminAccount _admin;
    private readonly TimeProvider _time;
    private readonly string _file;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked;
    private readonly Lock _writeLock = new();

    public AdminSessions(AdminAccount admin, IOptions<StorageOptions> storage, TimeProvider time)
    {
        _admin = admin;
        _time = time;
        _file = Path.Combine(storage.Value.DataDirFullPath, "revoked-sessions.json");
        _revoked = new ConcurrentDictionary<string, DateTimeOffset>(Load(_file), StringComparer.Ordinal);
        _admin.Changed += OnAdminChanged;
    }

    /// <summary>A session ended or the admin changed: open circuits re-check their user now.</summary>
    public event Action? Changed;

    public static TimeSpan Lifetime => AdminTokens.DefaultLifetime;

    public ClaimsPrincipal CreatePrincipal(AdminIdentity admin)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(AdminTokens.EmailClaim, admin.Email),
                new Claim(SessionClaim, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))),
                new Claim(StampClaim, admin.Stamp),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme,
            AdminTokens.EmailClaim,
            ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    public async Task<bool> IsValidAsync(ClaimsPrincipal? user, CancellationToken cancellationToken)
    {
        if (user?.Identity?.IsAuthenticated != true || user.FindFirst(SessionClaim)?.Value is not { } sid || _revoked.ContainsKey(sid))
        {
            return false;
        }

        var admin = await _admin.GetAsync(cancellationToken);
        return admin is not null && admin.Is(user.FindFirst(AdminTokens.EmailClaim)?.Value)
            && string.Equals(user.FindFirst(StampClaim)?.Value, admin.Stamp, StringComparison.Ordinal);
    }

    public void Revoke(ClaimsPrincipal user)
    {
        if (user.FindFirst(SessionClaim)?.Value is not { } sid)
        {
            return;
        }

        var now = _time.GetUtcNow();
        _revoked[sid] = now + Lifetime;
        foreach (var (id, until) in _revoked)
        {
            if (until < now)
            {
                _revoked.TryRemove(id, out _);
            }
        }

        Save();
        Changed?.Invoke();
    }

    public void Dispose() => _admin.Changed -= OnAdminChanged;

    private void OnAdminChanged() => Changed?.Invoke();

    private void Save()
    {
        lock (_writeLock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
            var temp = _file + ".tmp";
            // Owner-only from its creation, like every file in DATA_DIR.
            using (var writer = new StreamWriter(temp, OwnerOnlyFile.Options(FileMode.Create)))
            {
                writer.Write(JsonSerializer.Serialize(_revoked.ToDictionary(p => p.Key, p => p.Value)));
            }

            File.Move(temp, _file, overwrite: true);
        }
    }

    private static Dictionary<string, DateTimeOffset> Load(string file)
    {
        try
        {
            return File.Exists(file)
                ? JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(File.ReadAllText(file)) ?? []
                : [];
        }
        catch (JsonException)
        {
            // A damaged list only means old sessions stay revoked by their stamp and expiry.
            return [];
        }
    }
}
