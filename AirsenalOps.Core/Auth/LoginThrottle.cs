using System.Collections.Concurrent;

namespace AirsenalOps.Core.Auth;

/// <summary>
/// Failed sign-ins per client: after <see cref="MaxFailures"/> within <see cref="Window"/> the client must
/// wait until the oldest failure leaves the window. Shared by the API login, the login page and first-run setup.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the client must wait, or null when it may try.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        if (!_failures.TryGetValue(client, out var queue))
        {
            return null;
        }

        lock (queue)
        {
            var now = time.GetUtcNow();
            Prune(queue, now);
            return queue.Count >= MaxFailures ? queue.Peek() + Window - now : null;
        }
    }

    public void RecordFailure(string client)
    {
        var queue = _failures.GetOrAdd(client, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            var now = time.GetUtcNow();
            Prune(queue, now);
            queue.Enqueue(now);
        }
    }

    /// <summary>
    /// Counts an attempt as a failure before it is checked, and says how long to wait when the limit is
    /// reached (then nothing is counted). Checking first and counting after let concurrent wrong passwords
    /// all pass the check while the first bcrypt ran (40 at once got 14 checks against a limit of 5).
    /// The caller <see cref="Reset"/>s on success and <see cref="Forgive"/>s an attempt that was not a guess.
    /// </summary>
    public TimeSpan? TryBegin(string client)
    {
        var queue = _failures.GetOrAdd(client, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            var now = time.GetUtcNow();
            Prune(queue, now);
            if (queue.Count >= MaxFailures)
            {
                return queue.Peek() + Window - now;
            }

            queue.Enqueue(now);
            return null;
        }
    }

    /// <summary>Takes back the newest attempt <see cref="TryBegin"/> counted (it turned out not to be a wrong guess).</summary>
    public void Forgive(string client)
    {
        if (!_failures.TryGetValue(client, out var queue))
        {
            return;
        }

        lock (queue)
        {
            if (queue.Count == 0)
            {
                return;
            }

            var kept = queue.ToArray()[..^1];
            queue.Clear();
            foreach (var at in kept)
            {
                queue.Enqueue(at);
            }
        }
    }

    public void Reset(string client) => _failures.TryRemove(client, out _);

    private static void Prune(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && queue.Peek() + Window <= now)
        {
            queue.Dequeue();
        }
    }
}
