using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Web.Auth;

/// <summary>
/// Browser sessions of the admin, and revoked API tokens. A session cookie carries a session id and the admin's
/// stamp; it stays valid until it expires, its id is revoked (logout) or the stamp no longer matches (address or
/// password changed). Revocations live in the store's claims, so every console on a shared MongoDB refuses a
/// session or token signed out on any of them, and a logout survives a restart like the cookie does. A "not
/// revoked" answer is cached for at most <see cref="RecheckAfter"/>; a "revoked" one until the revocation expires.
/// </summary>
public sealed partial class AdminSessions : IDisposable
{
    public const string SessionClaim = "sid";
    public const string StampClaim = "stamp";

    /// <summary>The claim every console watches: its holder changes with each revocation (circuits re-check then).</summary>
    public const string ChangedKey = "auth:revoked-changed";

    /// <summary>The longest a revocation made on another console can go unseen here.</summary>
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(1);

    private const string LegacyFile = "revoked-sessions.json";
    private const int CacheLimit = 10_000;

    private readonly AdminAccount _admin;
    private readonly IStorage _storage;
    private readonly TimeProvider _time;
    private readonly string _dataDir;
    private readonly ILogger<AdminSessions> _logger;

    // Key → until when the answer holds: revoked keys until their revocation ends, good ones for RecheckAfter.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _good = new(StringComparer.Ordinal);

    public AdminSessions(AdminAccount admin, IStorage storage, IOptions<StorageOptions> storageOptions, TimeProvider time, ILogger<AdminSessions> logger)
    {
        _admin = admin;
        _storage = storage;
        _time = time;
        _dataDir = storageOptions.Value.DataDirFullPath;
        _logger = logger;
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
        if (user?.Identity?.IsAuthenticated != true || user.FindFirst(SessionClaim)?.Value is not { } sid
            || await IsRevokedAsync(SessionKey(sid), cancellationToken))
        {
            return false;
        }

        var admin = await _admin.GetAsync(cancellationToken);
        return admin is not null && admin.Is(user.FindFirst(AdminTokens.EmailClaim)?.Value)
            && string.Equals(user.FindFirst(StampClaim)?.Value, admin.Stamp, StringComparison.Ordinal);
    }

    /// <summary>Signs the session out on every console; false when the principal is no session of ours.</summary>
    public async Task<bool> RevokeAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.FindFirst(SessionClaim)?.Value is not { } sid)
        {
            return false;
        }

        await RevokeAsync(SessionKey(sid), _time.GetUtcNow() + Lifetime, cancellationToken);
        return true;
    }

    /// <summary>Refuses this API token on every console until it would have expired anyway.</summary>
    public Task RevokeTokenAsync(string token, DateTimeOffset expires, CancellationToken cancellationToken) =>
        RevokeAsync(TokenKey(token), expires, cancellationToken);

    public Task<bool> IsTokenRevokedAsync(string token, CancellationToken cancellationToken) =>
        IsRevokedAsync(TokenKey(token), cancellationToken);

    /// <summary>Another console revoked something: forget the "not revoked" answers and let circuits re-check.</summary>
    public void OnRevokedElsewhere()
    {
        _good.Clear();
        Changed?.Invoke();
    }

    /// <summary>
    /// Moves the revocations an older version kept in DATA_DIR into the store, once; a file that cannot be read
    /// only means those sessions end by their stamp and expiry.
    /// </summary>
    public async Task ImportLegacyFileAsync(CancellationToken cancellationToken)
    {
        var file = Path.Combine(_dataDir, LegacyFile);
        if (!File.Exists(file))
        {
            return;
        }

        Dictionary<string, DateTimeOffset> revoked;
        try
        {
            revoked = JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(await File.ReadAllTextAsync(file, cancellationToken)) ?? [];
        }
        catch (JsonException)
        {
            revoked = [];
        }

        var now = _time.GetUtcNow();
        foreach (var (sid, until) in revoked.Where(p => p.Value > now))
        {
            await _storage.Claims.PutAsync(new ClaimRecord(SessionKey(sid), "revoked", until), cancellationToken);
        }

        File.Delete(file);
        LogImported(_logger, revoked.Count);
    }

    public void Dispose() => _admin.Changed -= OnAdminChanged;

    private async Task RevokeAsync(string key, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await _storage.Claims.PutAsync(new ClaimRecord(key, "revoked", until), cancellationToken);
        Remember(_revoked, key, until);
        _good.TryRemove(key, out _);
        // Other consoles poll this one key instead of every revocation.
        await _storage.Claims.PutAsync(new ClaimRecord(ChangedKey, Convert.ToHexString(RandomNumberGenerator.GetBytes(8)), _time.GetUtcNow() + Lifetime), cancellationToken);
        Changed?.Invoke();
    }

    private async Task<bool> IsRevokedAsync(string key, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_revoked.TryGetValue(key, out var revokedUntil) && revokedUntil > now)
        {
            return true;
        }

        if (_good.TryGetValue(key, out var goodUntil) && goodUntil > now)
        {
            return false;
        }

        if (await _storage.Claims.GetAsync(key, now, cancellationToken) is { } revocation)
        {
            Remember(_revoked, key, revocation.ExpiresAt);
            return true;
        }

        Remember(_good, key, now + RecheckAfter);
        return false;
    }

    private void Remember(ConcurrentDictionary<string, DateTimeOffset> cache, string key, DateTimeOffset until)
    {
        if (cache.Count >= CacheLimit)
        {
            var now = _time.GetUtcNow();
            foreach (var (stale, at) in cache)
            {
                if (at <= now)
                {
                    cache.TryRemove(stale, out _);
                }
            }

            if (cache.Count >= CacheLimit)
            {
                // Only a cache: the store still answers.
                cache.Clear();
            }
        }

        cache[key] = until;
    }

    private static string SessionKey(string sid) => "session:" + sid;

    // The token itself never reaches the store: its digest is enough to recognise it.
    private static string TokenKey(string token) => "token:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private void OnAdminChanged() => Changed?.Invoke();

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} revoked session(s) from DATA_DIR into the store")]
    private static partial void LogImported(ILogger logger, int count);
}
