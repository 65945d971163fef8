using System.Collections.Concurrent;
using System.Threading.Channels;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Jobs;

/// <summary>Something that happened to a job, pushed to live viewers.</summary>
public abstract record JobEvent(string JobId);

/// <summary>
/// Numbered lines, pushed as soon as they are numbered; they are stored just after (at most one batch
/// later), so a viewer that falls behind can read them back (<see cref="JobService.WatchAsync"/> waits for them).
/// </summary>
public sealed record JobLinesEvent(string JobId, IReadOnlyList<LogLine> Lines) : JobEvent(JobId);

/// <summary>The job document changed: status, progress, output, retry schedule.</summary>
public sealed record JobChangedEvent(JobRecord Job) : JobEvent(Job.Id);

/// <summary>The latest <c>\r</c>-redrawn state of a progress bar; shown live, stored only as the final state.</summary>
public sealed record JobProgressLineEvent(string JobId, string Text) : JobEvent(JobId);

/// <summary>
/// A live feed of one job's events (or of every job's changes). When the subscriber falls behind by
/// more than its buffer it is dropped: <see cref="Lagged"/> turns true and <see cref="Events"/> completes;
/// the subscriber then catches up from storage and subscribes again. A slow viewer never slows a job.
/// </summary>
public sealed class JobSubscription : IDisposable
{
    private readonly Channel<JobEvent> _channel;
    private readonly Action<JobSubscription> _remove;
    private int _lagged;

    internal JobSubscription(string? jobId, int capacity, Action<JobSubscription> remove)
    {
        JobId = jobId;
        _remove = remove;
        _channel = Channel.CreateBounded<JobEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The job followed, or null for the all-jobs feed.</summary>
    public string? JobId { get; }

    public ChannelReader<JobEvent> Events => _channel.Reader;

    public bool Lagged => Volatile.Read(ref _lagged) == 1;

    internal void Offer(JobEvent e)
    {
        if (!_channel.Writer.TryWrite(e) && Interlocked.Exchange(ref _lagged, 1) == 0)
        {
            _channel.Writer.TryComplete();
            _remove(this);
        }
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _remove(this);
    }
}

/// <summary>In-process fan-out of job events to the pages and WebSockets that watch them.</summary>
public sealed class JobNotifier
{
    public const int DefaultCapacity = 1024;
    private const string AllJobs = "";

    // Copy-on-write arrays: publishing (hot, on the log path) reads without locking.
    private readonly ConcurrentDictionary<string, JobSubscription[]> _subscribers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Every event of one job, from now on.</summary>
    public JobSubscription Subscribe(string jobId, int capacity = DefaultCapacity)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return Add(jobId, new JobSubscription(jobId, capacity, Remove));
    }

    /// <summary><see cref="JobChangedEvent"/>s of every job (for job lists and dashboards).</summary>
    public JobSubscription SubscribeAll(int capacity = DefaultCapacity) =>
        Add(AllJobs, new JobSubscription(null, capacity, Remove));

    public void Publish(JobEvent e)
    {
        if (_subscribers.TryGetValue(e.JobId, out var subscribers))
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.Offer(e);
            }
        }

        if (e is JobChangedEvent && _subscribers.TryGetValue(AllJobs, out var all))
        {
            foreach (var subscriber in all)
            {
                subscriber.Offer(e);
            }
        }
    }

    private JobSubscription Add(string key, JobSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers[key] = [.. _subscribers.GetValueOrDefault(key) ?? [], subscription];
        }

        return subscription;
    }

    private void Remove(JobSubscription subscription)
    {
        var key = subscription.JobId ?? AllJobs;
        lock (_gate)
        {
            if (_subscribers.TryGetValue(key, out var current))
            {
                var rest = Array.FindAll(current, s => !ReferenceEquals(s, subscription));
                if (rest.Length == 0)
                {
                    _subscribers.TryRemove(key, out _);
                }
                else
                {
                    _subscribers[key] = rest;
                }
            }
        }
    }
}
