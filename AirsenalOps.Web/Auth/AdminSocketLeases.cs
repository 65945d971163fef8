using AirsenalOps.Core.Auth;
using AirsenalOps.Web.Api;

namespace AirsenalOps.Web.Auth;

/// <summary>
/// The jobs WebSocket's token check: the same rules as the bearer handler at connect, then the socket's lease
/// ends when its token expires (a timer on <see cref="TimeProvider"/>) or, as soon as the admin's address or
/// password changes (the account's change event, so nothing is polled), when the token no longer passes.
/// </summary>
public sealed partial class AdminSocketLeases(AdminTokenValidator validator, AdminAccount admin, TimeProvider time, ILogger<AdminSocketLeases> logger)
{
    public const string ExpiredReason = "Token has expired";

    /// <summary>Timers are armed for at most this long (a peer token may be valid for a year); then re-armed.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(7);

    public async Task<JobSocketLease> GrantAsync(string? token, CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(token, cancellationToken);
        if (!result.IsValid || result.Expires is not { } expires)
        {
            return JobSocketLease.Refused(result.Detail);
        }

        var lease = JobSocketLease.Granted();
        ITimer? timer = null;
        void OnTick()
        {
            var left = expires - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                lease.End(ExpiredReason);
                return;
            }

            timer?.Change(Min(left, LongestWait), Timeout.InfiniteTimeSpan);
        }

        timer = time.CreateTimer(_ => OnTick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lease.Hold(timer);
        OnTick();

        void OnAdminChanged() => _ = RecheckAsync(token!, lease);
        admin.Changed += OnAdminChanged;
        lease.Hold(new Unsubscribe(() => admin.Changed -= OnAdminChanged));
        return lease;
    }

    private async Task RecheckAsync(string token, JobSocketLease lease)
    {
        try
        {
            var again = await validator.ValidateAsync(token, CancellationToken.None);
            if (!again.IsValid)
            {
                lease.End(again.Detail);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store could not say who the admin is now: a socket that cannot be re-checked is not kept open.
            LogRecheckFailed(logger, ex);
            lease.End("Could not re-check the token: reconnect");
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "A WebSocket's token could not be re-checked after the admin changed; the socket is closed")]
    private static partial void LogRecheckFailed(ILogger logger, Exception exception);

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
