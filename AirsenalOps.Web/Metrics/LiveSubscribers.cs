namespace AirsenalOps.Web.Metrics;

/// <summary>
/// Counts the live viewers of the in-process job feed by kind: WebSocket clients on /ws/jobs and
/// Blazor circuits (job lists, the job page, the running-job indicator). Background services that
/// also subscribe (scheduler, webhooks, metrics) are not viewers and are not counted.
/// </summary>
public sealed class LiveSubscribers
{
    public const string WebSocket = "websocket";
    public const string Circuit = "circuit";

    private int _webSockets;
    private int _circuits;

    public int WebSockets => Volatile.Read(ref _webSockets);

    public int Circuits => Volatile.Read(ref _circuits);

    /// <summary>Counts one subscriber of <paramref name="kind"/> until the returned handle is disposed.</summary>
    public IDisposable Track(string kind)
    {
        ref var counter = ref Counter(kind);
        Interlocked.Increment(ref counter);
        return new Handle(this, kind);
    }

    private ref int Counter(string kind)
    {
        if (kind == WebSocket)
        {
            return ref _webSockets;
        }

        if (kind == Circuit)
        {
            return ref _circuits;
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, "Use LiveSubscribers.WebSocket or LiveSubscribers.Circuit.");
    }

    private sealed class Handle(LiveSubscribers owner, string kind) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            // Disposed twice (a using plus an explicit call) must not count down twice.
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner.Counter(kind));
            }
        }
    }
}
