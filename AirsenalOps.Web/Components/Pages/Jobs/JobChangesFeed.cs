using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Metrics;

namespace AirsenalOps.Web.Components.Pages.Jobs;

/// <summary>
/// Follows every job's changes for a component: each change is handed to <c>onChange</c>; when the
/// feed drops a slow reader, <c>onResync</c> reloads from storage and following resumes. The component
/// disposes the feed with itself, which ends the loop and the subscription.
/// </summary>
public sealed class JobChangesFeed : IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private JobChangesFeed()
    {
    }

    /// <param name="invoke">The component's InvokeAsync, so callbacks run on its renderer.</param>
    /// <param name="live">Counts the feed as a circuit subscriber in /metrics while it runs (absent in component tests).</param>
    public static JobChangesFeed Start(
        JobService jobs,
        Func<Func<Task>, Task> invoke,
        Func<JobRecord, Task> onChange,
        Func<Task> onResync,
        LiveSubscribers? live = null)
    {
        var feed = new JobChangesFeed();
        _ = feed.RunAsync(jobs, invoke, onChange, onResync, live);
        return feed;
    }

    private async Task RunAsync(JobService jobs, Func<Func<Task>, Task> invoke, Func<JobRecord, Task> onChange, Func<Task> onResync, LiveSubscribers? live)
    {
        var token = _stop.Token;
        using var tracked = live?.Track(LiveSubscribers.Circuit);
        try
        {
            while (!token.IsCancellationRequested)
            {
                using var subscription = jobs.SubscribeAll();
                var reader = subscription.Events;
                while (await reader.WaitToReadAsync(token))
                {
                    while (reader.TryRead(out var e))
                    {
                        if (e is JobChangedEvent changed)
                        {
                            await invoke(() => onChange(changed.Job));
                        }
                    }
                }

                // The channel completed: either we were too slow (lagged) or the feed was disposed.
                if (subscription.Lagged)
                {
                    await invoke(onResync);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed with the component.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away while a callback was queued.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
