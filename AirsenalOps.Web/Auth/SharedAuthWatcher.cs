using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Web.Auth;

/// <summary>
/// What another console on the same MongoDB changed about signing in, seen here within a second: a revocation
/// (the marker claim <see cref="AdminSessions.ChangedKey"/> moved: open circuits re-check) and a write of the
/// admin's address or password (their <c>updated_at</c> moved: the admin cache drops, so stale cookies and tokens
/// are refused and the jobs WebSockets holding them close). The embedded store has one console only: there each
/// change is already an event of this process, and only expired claims are swept.
/// </summary>
public sealed partial class SharedAuthWatcher(
    IStorage storage, AdminSessions sessions, SecretsService secrets, TimeProvider time, ILogger<SharedAuthWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var shared = storage.Kind != "sqlite";
        var imported = false;
        string? marker = null;
        DateTimeOffset? emailAt = null, hashAt = null;
        var first = true;
        var nextSweep = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!imported)
                {
                    await sessions.ImportLegacyFileAsync(stoppingToken);
                    imported = true;
                }

                var now = time.GetUtcNow();
                if (shared)
                {
                    var seenMarker = (await storage.Claims.GetAsync(AdminSessions.ChangedKey, now, stoppingToken))?.Holder;
                    var seenEmail = (await storage.Secrets.GetAsync(SecretKeys.AdminEmail, stoppingToken))?.UpdatedAt;
                    var seenHash = (await storage.Secrets.GetAsync(SecretKeys.AdminPasswordHash, stoppingToken))?.UpdatedAt;
                    if (!first && seenMarker != marker)
                    {
                        sessions.OnRevokedElsewhere();
                    }

                    if (!first && (seenEmail != emailAt || seenHash != hashAt))
                    {
                        // Also after this console's own write: dropping a cache twice costs one read.
                        secrets.OnChangedElsewhere(seenHash != hashAt ? SecretKeys.AdminPasswordHash : SecretKeys.AdminEmail);
                    }

                    (marker, emailAt, hashAt, first) = (seenMarker, seenEmail, seenHash, false);
                }

                if (now >= nextSweep)
                {
                    await storage.Claims.DeleteExpiredAsync(now, stoppingToken);
                    nextSweep = now + SweepEvery;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store is down for a while; the cookie and token checks themselves still ask it.
                LogPollFailed(logger, ex);
            }

            if (!shared && imported && !stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(SweepEvery, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            try
            {
                await Task.Delay(PollEvery, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not look for sign-in changes of other consoles")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
