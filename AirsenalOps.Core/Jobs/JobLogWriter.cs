using System.Threading.Channels;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// The single writer of one job's log, in two stages so a slow store never delays live viewers:
/// the numbering stage masks and numbers lines and pushes them to live viewers at once; the storing
/// stage writes whatever has queued as soon as the previous write is done (up to <see cref="MaxStoreBatch"/>
/// lines a transaction; at a trickle, each line at once), so a hard kill loses only the lines queued behind
/// the write in progress: well under a second of output while the store keeps up. A viewer that falls behind reads back from storage
/// and <see cref="JobService.WatchAsync"/> waits for lines that are numbered but not yet stored.
/// Both queues are bounded, sized so that a store hiccup is absorbed without slowing the process: only when
/// storage stays slower than the process does the pipe reader wait and the process block on write,
/// instead of the console buffering the whole output in memory.
/// </summary>
internal sealed class JobLogWriter
{
    /// <summary>Lines per live push (and per store queue item) at most.</summary>
    public const int MaxBatch = 2000;

    /// <summary>Lines per store transaction at most: fewer, larger writes are what makes the store cheap.</summary>
    public const int MaxStoreBatch = 16 * 1024;

    /// <summary>Chunks (one pipe read each, at most 64 KiB of text) waiting to be numbered: a few MB at most.</summary>
    private const int PendingChunks = 16;

    /// <summary>Numbered batches waiting to be stored (up to 32,000 lines: a few MB).</summary>
    private const int PendingBatches = 16;

    private readonly string _jobId;
    private readonly IJobLogStore _store;
    private readonly JobNotifier _notifier;
    private readonly SecretMasker _masker;
    private readonly TimeProvider _time;
    private readonly Action<string>? _onPlainText;
    private readonly Channel<PendingChunk> _channel;
    private readonly Channel<LogLine[]> _toStore;
    private readonly Task _numbering;
    private readonly Task _storing;
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
        _channel = Channel.CreateBounded<PendingChunk>(new BoundedChannelOptions(PendingChunks)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _toStore = Channel.CreateBounded<LogLine[]>(new BoundedChannelOptions(PendingBatches)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _storing = Task.Run(StoreLoopAsync);
        _numbering = Task.Run(NumberLoopAsync);
    }

    /// <summary>The last line stored.</summary>
    public long LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>When output (a line or a redraw) last arrived, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long LastActivity => Interlocked.Read(ref _lastActivity);

    public ValueTask WriteAsync(LogSource source, string text, CancellationToken cancellationToken) =>
        WriteAsync(source, [new OutputPiece(false, text)], cancellationToken);

    /// <summary>A passing progress-bar state: pushed live and parsed for progress, not stored.</summary>
    public ValueTask RedrawnAsync(string text, CancellationToken cancellationToken) =>
        WriteAsync(LogSource.Stdout, [new OutputPiece(true, text)], cancellationToken);

    /// <summary>Lines and redraws of one pipe read, in order: one queue operation for all of them.</summary>
    public ValueTask WriteAsync(LogSource source, OutputPiece[] pieces, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastActivity, _time.GetTimestamp());
        return _channel.Writer.WriteAsync(new PendingChunk(_time.GetUtcNow(), source, pieces), cancellationToken);
    }

    /// <summary>Stores everything written so far and stops.</summary>
    public async Task CompleteAsync()
    {
        _channel.Writer.TryComplete();
        try
        {
            await _numbering;
        }
        finally
        {
            _toStore.Writer.TryComplete();
        }

        await _storing;
    }

    private async Task NumberLoopAsync()
    {
        try
        {
            await NumberAsync();
        }
        catch (Exception ex)
        {
            // Writers then fail fast instead of waiting on a channel nobody reads.
            _channel.Writer.TryComplete(ex);
            _toStore.Writer.TryComplete(ex);
            throw;
        }
    }

    private async Task NumberAsync()
    {
        var reader = _channel.Reader;
        var seq = _lastSeq;
        var batch = new List<LogLine>();
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var chunk))
            {
                foreach (var piece in chunk.Pieces)
                {
                    var text = _masker.Apply(piece.Text);
                    if (piece.Redraw)
                    {
                        // Redraws go through the same queue so the hooks see one ordered, single-threaded feed;
                        // lines before them are pushed first to keep the live order.
                        await FlushAsync(batch);
                        _notifier.Publish(new JobProgressLineEvent(_jobId, text));
                        _onPlainText?.Invoke(Ansi.Strip(text));
                        continue;
                    }

                    batch.Add(new LogLine(++seq, chunk.Time, chunk.Source, text));
                    if (_onPlainText is not null && chunk.Source != LogSource.System)
                    {
                        _onPlainText(Ansi.Strip(text));
                    }

                    if (batch.Count >= MaxBatch)
                    {
                        await FlushAsync(batch);
                    }
                }
            }

            // Nothing more queued right now: push and hand over what we have, do not wait for more.
            await FlushAsync(batch);
        }
    }

    /// <summary>Pushes numbered lines to live viewers, then queues them for the store (waits when it is behind).</summary>
    private async ValueTask FlushAsync(List<LogLine> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var lines = batch.ToArray();
        batch.Clear();
        _notifier.Publish(new JobLinesEvent(_jobId, lines));
        await _toStore.Writer.WriteAsync(lines);
    }

    private async Task StoreLoopAsync()
    {
        try
        {
            var reader = _toStore.Reader;
            var pending = new List<LogLine>(MaxStoreBatch + MaxBatch);
            while (await reader.WaitToReadAsync())
            {
                // Batches that queued up while the last one was written go in together.
                pending.Clear();
                while (pending.Count < MaxStoreBatch && reader.TryRead(out var lines))
                {
                    pending.AddRange(lines);
                }

                await AppendWithRetryAsync(pending);
                Interlocked.Exchange(ref _lastSeq, pending[^1].Seq);
            }
        }
        catch (Exception ex)
        {
            _toStore.Writer.TryComplete(ex);
            // Also fails the numbering stage if it waits for room in the store queue.
            _channel.Writer.TryComplete(ex);
            throw;
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

    private readonly record struct PendingChunk(DateTimeOffset Time, LogSource Source, OutputPiece[] Pieces);
}

/// <summary>One line (or, when <see cref="Redraw"/>, a passing progress-bar state) of process output.</summary>
internal readonly record struct OutputPiece(bool Redraw, string Text);
