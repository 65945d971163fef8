using System.Globalization;
using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Web.Auth;

/// <summary>
/// When the admin's credentials last changed, for the tokens that carry no stamp (the older console's): such a
/// token is good only if it was issued after that moment. From the store, the change is the newest
/// <c>updated_at</c> of the two admin secrets (first-run setup, the Settings form, or the older console writing
/// to a shared MongoDB). From the environment, a restart with another APP_ADMIN_* pair is the change: the pair's
/// stamp and the time it was first seen are kept in DATA_DIR. Null means no change is known.
/// </summary>
public sealed partial class AdminCredentialChanges(
    IStorage storage, IOptions<AdminOptions> options, IOptions<StorageOptions> storageOptions, TimeProvider time, ILogger<AdminCredentialChanges> logger)
    : IHostedService
{
    public const string FileName = "admin-credentials";

    private DateTimeOffset? _environmentChange;

    // One reference, so a reader never sees the stamp of one answer with the time of another.
    private volatile StoreChange? _storeCache;

    public async Task<DateTimeOffset?> LastChangeAsync(AdminIdentity admin, CancellationToken cancellationToken)
    {
        if (admin.Source == AdminSource.Environment)
        {
            return _environmentChange;
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

    /// <summary>Compares the environment's admin with the one seen last, before the first request.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value;
        if (!admin.IsSet)
        {
            return Task.CompletedTask;
        }

        var stamp = new AdminIdentity(admin.Email!.Trim(), admin.PasswordHash!.Trim(), AdminSource.Environment).Stamp;
        var file = Path.Combine(storageOptions.Value.DataDirFullPath, FileName);
        var seen = OwnerOnlyFile.ReadFirstLine(file)?.Split(' ');
        if (seen is [var seenStamp, var seenAt] && seenStamp == stamp)
        {
            _environmentChange = long.TryParse(seenAt, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : null;
            return Task.CompletedTask;
        }

        // The first start knows of no change (the older console's tokens stay good, as they were there);
        // any later start with another pair is one, from now on.
        _environmentChange = seen is null ? null : time.GetUtcNow();
        var at = _environmentChange?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? "none";
        var temp = file + ".tmp";
        File.Delete(temp);
        OwnerOnlyFile.WriteAllText(temp, stamp + " " + at + "\n");
        File.Move(temp, file, overwrite: true);
        if (seen is not null)
        {
            LogEnvironmentAdminChanged(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed record StoreChange(string Stamp, DateTimeOffset? At);

    [LoggerMessage(Level = LogLevel.Warning, Message = "APP_ADMIN_EMAIL or APP_ADMIN_PASSWORD_HASH changed since the last start: tokens issued before now are refused")]
    private static partial void LogEnvironmentAdminChanged(ILogger logger);
}
