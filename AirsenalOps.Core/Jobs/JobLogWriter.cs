using System.Threading.Channels;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// The single writer of one job's log: numbers lines, masks secrets, stores them in batches and then
/// pushes them to live viewers. Stored-before-pushed means a viewer that falls behind can always read
/// back what it missed. Under a flood a batch holds up to <see cref="MaxBatch"/> lines; at a trickle
/// each line is stored at once, so a hard kill loses at most the batch being written.
/// </summary>
internal sealed class JobLogWriter
{
    public const int MaxBatch = 2000;

    private readonly string _jobId;
    private readonly IJobLogStore _store;
    private readonly JobNotifier _notifier;
    private readonly SecretMasker _masker;
    private readonly TimeProvider _time;
    private readonly Action<string>? _onPlainText;
    private readonly Channel<PendingLine> _channel;
    private readonly Task _loop;
    private long _lastSeq;
    private long _lastActivity;

    public JobLogWriter(string jobId, long lastSeq, IJobLogStore store, JobNotifier notifier, SecretMasker masker, TimeProvider time, Action<string>? onPlainText)
    {
        _jobId = jobId;
        _lastSeq = lastSeq;
        _store = store;
        _notifier = notifier;
        _masker = masker;
        _time = time;
        _onPlainText = onPlainText;
        _lastActivity = time.GetTimestamp();
        // Bounded: when storage is slower than the process, the pipe reader waits and the process
        // blocks on write, instead of the console buffering the whole output in memory.
        _channel = Channel.CreateBounded<PendingLine>(new BoundedChannelOptions(4 * MaxBatch)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    public long LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>When output (a line or a redraw) last arrived, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long LastActivity => Interlocked.Read(ref _lastActivity);

    public ValueTask WriteAsync(LogSource source, string text, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastActivity, _time.GetTimestamp());
        return _channel.Writer.WriteAsync(new PendingLine(_time.GetUtcNow(), source, text), cancellationToken);
    }

    /// <summary>A passing progress-bar state: pushed live and parsed for progress, not stored.</summary>
    public ValueTask RedrawnAsync(string text, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastActivity, _time.GetTimestamp());
        return _channel.Writer.WriteAsync(new PendingLine(_time.GetUtcNow(), null, text), cancellationToken);
    }

    /// <summary>Stores everything written so far and stops.</summary>
    public async Task CompleteAsync()
    {
        _channel.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        try
        {
            await DrainAsync();
        }
        catch (Exception ex)
        {
            // Writers then fail fast instead of waiting on a channel nobody reads.
            _channel.Writer.TryComplete(ex);
            throw;
        }
    }

    private async Task DrainAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<LogLine>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            var seq = _lastSeq;
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                var text = _masker.Apply(pending.Text);
                if (pending.Source is not { } source)
                {
                    // Redraws go through the same queue so the hooks see one ordered, single-threaded feed.
                    _notifier.Publish(new JobProgressLineEvent(_jobId, text));
                    _onPlainText?.Invoke(Ansi.Strip(text));
                    continue;
                }

                batch.Add(new LogLine(++seq, pending.Time, source, text));
                if (_onPlainText is not null && source != LogSource.System)
                {
                    _onPlainText(Ansi.Strip(text));
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            await AppendWithRetryAsync(batch);
            Interlocked.Exchange(ref _lastSeq, seq);
            _notifier.Publish(new JobLinesEvent(_jobId, batch.ToArray()));
        }
    }

    private async Task AppendWithRetryAsync(List<LogLine> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.AppendAsync(_jobId, batch, CancellationToken.None);
                return;
            }
            catch (Exception) when (attempt < 5)
            {
                // A busy or briefly unreachable store: wait a little, the process keeps running meanwhile.
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    private readonly record struct PendingLine(DateTimeOffset Time, LogSource? Source, string Text);
}
