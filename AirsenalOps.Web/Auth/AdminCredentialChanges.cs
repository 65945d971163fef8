using System.Globalization;
using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Web.Auth;

/// <summary>
/// When the admin's credentials last changed, for the tokens that carry no stamp (the older console's): such a
/// token is good only if it was issued after that moment. From the store, the change is the newest
/// <c>updated_at</c> of the two admin secrets (first-run setup, the Settings form, another console or the older
/// console writing to a shared MongoDB). From the environment, a start with another APP_ADMIN_* pair is the
/// change: the pair's stamp and the time it was first seen are a claim in the store (<see cref="EnvironmentKey"/>),
/// so every console on a shared MongoDB agrees on it. Null means no change is known.
/// </summary>
public sealed partial class AdminCredentialChanges(
    IStorage storage, IOptions<AdminOptions> options, IOptions<StorageOptions> storageOptions, TimeProvider time, ILogger<AdminCredentialChanges> logger)
    : IHostedService, IDisposable
{
    /// <summary>Where an older version kept the environment pair's stamp, in DATA_DIR: read once, then moved to the store.</summary>
    public const string FileName = "admin-credentials";

    public const string EnvironmentKey = "auth:environment-admin";

    private static readonly DateTimeOffset Forever = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SemaphoreSlim _resolving = new(1, 1);
    private EnvironmentChange? _environment;

    // One reference, so a reader never sees the stamp of one answer with the time of another.
    private volatile StoreChange? _storeCache;

    public async Task<DateTimeOffset?> LastChangeAsync(AdminIdentity admin, CancellationToken cancellationToken)
    {
        if (admin.Source == AdminSource.Environment)
        {
            return (_environment ?? await ResolveEnvironmentAsync(cancellationToken))?.At;
        }

        // The stamp changes with every write of the credentials, so an answer for the same stamp stays right.
        if (_storeCache is { } cached && cached.Stamp == admin.Stamp)
        {
            return cached.At;
        }

        var email = await storage.Secrets.GetAsync(SecretKeys.AdminEmail, cancellationToken);
        var hash = await storage.Secrets.GetAsync(SecretKeys.AdminPasswordHash, cancellationToken);
        DateTimeOffset? at = (email?.UpdatedAt, hash?.UpdatedAt) switch
        {
            ({ } a, { } b) => a > b ? a : b,
            (var a, var b) => a ?? b,
        };
        _storeCache = new StoreChange(admin.Stamp, at);
        return at;
    }

    /// <summary>Compares the environment's admin with the one seen last, before the first request if the store answers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ResolveEnvironmentAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is not up yet (it is retried in the background): the first token check asks again.
            LogNotResolved(logger, ex.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _resolving.Dispose();

    private async Task<EnvironmentChange?> ResolveEnvironmentAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value;
        if (!admin.IsSet)
        {
            return null;
        }

        await _resolving.WaitAsync(cancellationToken);
        try
        {
            if (_environment is { } known)
            {
                return known;
            }

            var stamp = new AdminIdentity(admin.Email!.Trim(), admin.PasswordHash!.Trim(), AdminSource.Environment).Stamp;
            var file = Path.Combine(storageOptions.Value.DataDirFullPath, FileName);
            var stored = (await storage.Claims.GetAsync(EnvironmentKey, time.GetUtcNow(), cancellationToken))?.Holder
                ?? OwnerOnlyFile.ReadFirstLine(file);
            var seen = stored?.Split(' ');
            DateTimeOffset? at;
            if (seen is [var seenStamp, var seenAt] && seenStamp == stamp)
            {
                at = long.TryParse(seenAt, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
            }
            else
            {
                // The first start knows of no change (the older console's tokens stay good, as they were there);
                // any later start with another pair is one, from now on.
                at = seen is null ? null : time.GetUtcNow();
                if (seen is not null)
                {
                    LogEnvironmentAdminChanged(logger);
                }
            }

            var text = stamp + " " + (at?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? "none");
            if (text != stored)
            {
                await storage.Claims.PutAsync(new ClaimRecord(EnvironmentKey, text, Forever), cancellationToken);
            }

            File.Delete(file);
            _environment = new EnvironmentChange(at);
            return _environment;
        }
        finally
        {
            _resolving.Release();
        }
    }

    private sealed record StoreChange(string Stamp, DateTimeOffset? At);

    private sealed record EnvironmentChange(DateTimeOffset? At);

    [LoggerMessage(Level = LogLevel.Warning, Message = "APP_ADMIN_EMAIL or APP_ADMIN_PASSWORD_HASH changed since the last start: tokens issued before now are refused")]
    private static partial void LogEnvironmentAdminChanged(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the last known admin of the environment from the store ({Error}); asked again at the first token check")]
    private static partial void LogNotResolved(ILogger logger, string error);
}
