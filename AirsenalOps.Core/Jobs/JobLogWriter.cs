using System.Threading.Channels;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// The single writer of one job's log, in two stages so a slow store never delays live viewers:
/// the caller's own stage (the pipe reader's, one at a time) masks and numbers lines and pushes them to
/// live viewers at once; the storing stage writes whatever has queued as soon as the previous write is done
/// (up to <see cref="MaxStoreBatch"/> lines a transaction; at a trickle, each line at once), so a hard kill
/// loses only the lines queued behind the write in progress: well under a second of output while the store
/// keeps up. A viewer that falls behind reads back from storage and <see cref="JobService.WatchAsync"/> waits
/// for lines that are numbered but not yet stored. The store queue is bounded, sized so that a store hiccup
/// is absorbed without slowing the process: only when storage stays slower than the process does the pipe
/// reader wait and the process block on write, instead of the console buffering the whole output in memory.
/// Numbering on the reader's turn, not on a stage of its own, spares a thread hand-off per pipe read: at a
/// million lines that hand-off cost more CPU than the numbering, CPU the job's own process was waiting for.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore's wait handle is never created (only WaitAsync is used): there is nothing to dispose.")]
internal sealed class JobLogWriter
{
    /// <summary>Lines per live push (and per store queue item) at most.</summary>
    public const int MaxBatch = 2000;

    /// <summary>How long a failing store is retried before the job's log (and so the job) fails.</summary>
    public static readonly TimeSpan StoreOutageLimit = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Lines per store transaction at most. Large enough that a transaction costs little per line (two chunks), small
    /// enough that few lines wait in memory: lines waiting for the store outlive the garbage collector's young
    /// generation, and copying them from one generation to the next cost about as much as the store itself
    /// (profiled at a million lines with 16,000-line transactions and 16 queued batches).
    /// </summary>
    public const int MaxStoreBatch = 4 * 1024;

    /// <summary>Longest line stored and shown (characters); a longer one is cut and ends with <see cref="LineSplitter.TruncatedMarker"/>.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>How far past <see cref="MaxLineLength"/> a line is read, so that masking sees a secret across the cut whole.</summary>
    public const int MaskSlack = 8 * 1024;

    /// <summary>Numbered batches waiting to be stored (one pipe read each, at most 2,000 lines).</summary>
    private const int PendingBatches = 4;

    private readonly string _jobId;
    private readonly IJobLogStore _store;
    private readonly JobNotifier _notifier;
    private readonly SecretMasker _masker;
    private readonly TimeProvider _time;
    private readonly Action<string>? _onPlainText;
    private readonly Channel<LogLine[]> _toStore;
    private readonly Task _storing;

    /// <summary>One writer numbers at a time (stdout's and stderr's readers, the runner's own lines), in arrival order.</summary>
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly List<LogLine> _batch = [];
    private long _seq;
    private bool _closed;
    private Exception? _failure;
    private long _lastSeq;
    private long _lastActivity;

    public JobLogWriter(string jobId, long lastSeq, IJobLogStore store, JobNotifier notifier, SecretMasker masker, TimeProvider time, Action<string>? onPlainText)
    {
        _jobId = jobId;
        _lastSeq = lastSeq;
        _seq = lastSeq;
        _store = store;
        _notifier = notifier;
        _masker = masker;
        _time = time;
        _onPlainText = onPlainText;
        _lastActivity = time.GetTimestamp();
        _toStore = Channel.CreateBounded<LogLine[]>(new BoundedChannelOptions(PendingBatches)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _storing = Task.Run(StoreLoopAsync);
    }

    /// <summary>The last line stored.</summary>
    public long LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>When output (a line or a redraw) last arrived, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long LastActivity => Interlocked.Read(ref _lastActivity);

    public ValueTask WriteAsync(LogSource source, string text, CancellationToken cancellationToken) =>
        WriteAsync(source, [new OutputPiece(false, text)], cancellationToken);

    /// <summary>
    /// Lines and redraws of one pipe read, in order. Throws <see cref="ChannelClosedException"/> once the writer
    /// is complete or has failed (then with the failure inside), like a closed queue.
    /// </summary>
    public async ValueTask WriteAsync(LogSource source, OutputPiece[] pieces, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastActivity, _time.GetTimestamp());
        var time = _time.GetUtcNow();
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (_failure is not null || _closed)
            {
                throw new ChannelClosedException(_failure);
            }

            await NumberAsync(time, source, pieces);
        }
        catch (Exception ex) when (ex is not ChannelClosedException and not OperationCanceledException)
        {
            // A hook that throws fails the log as a failing store does: every later write says why.
            _failure = ex;
            _toStore.Writer.TryComplete(ex);
            throw new ChannelClosedException(ex);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Stores everything written so far and stops.</summary>
    public async Task CompleteAsync()
    {
        await _turn.WaitAsync();
        _closed = true;
        _turn.Release();
        _toStore.Writer.TryComplete();
        await _storing;
    }

    private async ValueTask NumberAsync(DateTimeOffset time, LogSource source, OutputPiece[] pieces)
    {
        foreach (var piece in pieces)
        {
            // Masked before it is cut: a cut first would leave the start of a secret that crossed it unmasked.
            var text = Cut(_masker.Apply(piece.Text), piece.Truncated);
            if (piece.Redraw)
            {
                // Redraws keep their place: lines before them are pushed first, to keep the live order.
                await FlushAsync();
                _notifier.Publish(new JobProgressLineEvent(_jobId, text));
                _onPlainText?.Invoke(Ansi.Strip(text));
                continue;
            }

            _batch.Add(new LogLine(++_seq, time, source, text));
            if (_onPlainText is not null && source != LogSource.System)
            {
                _onPlainText(Ansi.Strip(text));
            }

            if (_batch.Count >= MaxBatch)
            {
                await FlushAsync();
            }
        }

        // Push and hand over what this read brought, do not wait for more.
        await FlushAsync();
    }

    /// <summary>
    /// A masked line cut to <see cref="MaxLineLength"/> and marked; also one the splitter already cut (masking may
    /// have shortened it below the limit, and its end may still be the start of a secret the splitter's cut split).
    /// </summary>
    private string Cut(string text, bool cutBefore)
    {
        if (text.Length <= MaxLineLength && !cutBefore)
        {
            return text;
        }

        var keep = Math.Min(text.Length, MaxLineLength);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return _masker.MaskCutEnd(text[..keep]) + LineSplitter.TruncatedMarker;
    }

    /// <summary>Pushes numbered lines to live viewers, then queues them for the store (waits when it is behind).</summary>
    private async ValueTask FlushAsync()
    {
        if (_batch.Count == 0)
        {
            return;
        }

        var lines = _batch.ToArray();
        _batch.Clear();
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

                var last = pending[^1].Seq;
                await AppendWithRetryAsync(pending);
                Interlocked.Exchange(ref _lastSeq, last);
            }
        }
        catch (Exception ex)
        {
            // Also fails a writer waiting for room in the store queue, and every later write.
            _toStore.Writer.TryComplete(ex);
            throw;
        }
    }

    private async Task AppendWithRetryAsync(List<LogLine> batch)
    {
        // A busy or unreachable store (MongoDB restarting): keep trying for a while. Meanwhile the bounded queues
        // fill and the process blocks on its pipe, so the console holds at most those queues, and no line is lost.
        // Real time on purpose: this waits for the store's I/O, which a test's fake clock does not drive.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (attempt > 1)
                {
                    // A try whose reply was lost (the server stalled, the connection dropped) may have stored the start of
                    // the batch: this writer numbers the job's lines in order, so what is stored is a prefix. Send the rest.
                    var stored = await _store.LastSeqAsync(_jobId, CancellationToken.None);
                    batch.RemoveAll(line => line.Seq <= stored);
                    if (batch.Count == 0)
                    {
                        return;
                    }
                }

                await _store.AppendAsync(_jobId, batch, CancellationToken.None);
                return;
            }
            catch (Exception) when (waited.Elapsed < StoreOutageLimit)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200 * attempt, 2000)));
            }
            catch (Exception ex)
            {
                throw new JobLogStoreException($"Storage unavailable: the job's log could not be stored for {StoreOutageLimit.TotalSeconds:0} s ({ex.Message})", ex);
            }
        }
    }
}

/// <summary>The log store failed for longer than <see cref="JobLogWriter.StoreOutageLimit"/>.</summary>
public sealed class JobLogStoreException(string message, Exception inner) : Exception(message, inner);

/// <summary>One line (or, when <see cref="Redraw"/>, a progress-bar state, passing or still drawn, that is not stored) of process output.</summary>
/// <param name="Truncated">The splitter cut it at its length limit (no marker yet: the writer masks, then cuts and marks).</param>
internal readonly record struct OutputPiece(bool Redraw, string Text, bool Truncated = false);
