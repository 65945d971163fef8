using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;

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
    public static JobChangesFeed Start(
        JobService jobs,
        Func<Func<Task>, Task> invoke,
        Func<JobRecord, Task> onChange,
        Func<Task> onResync)
    {
        var feed = new JobChangesFeed();
        _ = feed.RunAsync(jobs, invoke, onChange, onResync);
        return feed;
    }

    private async Task RunAsync(JobService jobs, Func<Func<Task>, Task> invoke, Func<JobRecord, Task> onChange, Func<Task> onResync)
    {
        var token = _stop.Token;
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
