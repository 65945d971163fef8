using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Unit.Jobs;

public sealed class JobLogWriterTests
{
    private const string Secret = "hunter2-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly RecordingStore _store = new();
    private readonly JobNotifier _notifier = new();

    private JobLogWriter Create(long lastSeq = 0) =>
        new("job-1", lastSeq, _store, _notifier, new SecretMasker([Secret]), TimeProvider.System, onPlainText: null);

    [Fact]
    public async Task Lines_AreStoredWhileTheWriterStaysOpen_SoAHardKillLosesOnlyWhatIsInFlight()
    {
        var writer = Create(lastSeq: 7);

        await writer.WriteAsync(LogSource.Stdout, "first", CancellationToken.None);
        await WaitUntilAsync(() => _store.Count == 1);
        await writer.WriteAsync(LogSource.Stdout, [new(false, "second"), new(false, "third")], CancellationToken.None);
        await WaitUntilAsync(() => _store.Count == 3);

        Assert.Equal([8L, 9, 10], _store.Lines.Select(l => l.Seq));
        await WaitUntilAsync(() => writer.LastSeq == 10);
        await writer.CompleteAsync();
    }

    [Fact]
    public async Task StalledStore_DoesNotHoldBackLivePush_ThenEverythingIsStoredInOrder()
    {
        _store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _notifier.Subscribe("job-1");
        var writer = Create();

        // Four pipe reads of 500 lines: inside the writer's store queue, so none of this waits for the store.
        for (var read = 0; read < 4; read++)
        {
            var pieces = Enumerable.Range((read * 500) + 1, 500).Select(i => new OutputPiece(false, $"line {i} {Secret}")).ToArray();
            await writer.WriteAsync(LogSource.Stdout, pieces, CancellationToken.None);
        }

        var pushed = new List<LogLine>();
        using var timeout = new CancellationTokenSource(Patience);
        while (pushed.Count < 2_000)
        {
            var e = await subscription.Events.ReadAsync(timeout.Token);
            pushed.AddRange(((JobLinesEvent)e).Lines);
        }

        Assert.Equal(0, _store.Count);
        _store.Gate.SetResult();
        await writer.CompleteAsync();

        var expected = Enumerable.Range(1, 2_000).Select(i => $"line {i} ***").ToList();
        Assert.Equal(expected, pushed.Select(l => l.Text));
        Assert.Equal(expected, _store.Lines.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(1, 2_000).Select(i => (long)i), _store.Lines.Select(l => l.Seq));
        Assert.Equal(2_000, writer.LastSeq);
    }

    [Fact]
    public async Task HundredThousandLines_AreNumberedStoredInOrder_InBoundedTransactions()
    {
        var writer = Create();
        for (var start = 1; start <= 100_000; start += 1_000)
        {
            var pieces = Enumerable.Range(start, 1_000).Select(i => new OutputPiece(false, $"line {i}")).ToArray();
            await writer.WriteAsync(LogSource.Stdout, pieces, CancellationToken.None);
        }

        await writer.CompleteAsync();

        Assert.Equal(Enumerable.Range(1, 100_000).Select(i => $"line {i}"), _store.Lines.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(1, 100_000).Select(i => (long)i), _store.Lines.Select(l => l.Seq));
        Assert.All(_store.Batches, size => Assert.InRange(size, 1, JobLogWriter.MaxStoreBatch + JobLogWriter.MaxBatch));
    }

    [Fact]
    public async Task Redraws_ArePushedMaskedButNotStored()
    {
        using var subscription = _notifier.Subscribe("job-1");
        var writer = Create();

        await writer.WriteAsync(LogSource.Stderr, [new(true, $"50% {Secret}"), new(false, $"100% {Secret}")], CancellationToken.None);
        await writer.CompleteAsync();

        using var timeout = new CancellationTokenSource(Patience);
        var redraw = Assert.IsType<JobProgressLineEvent>(await subscription.Events.ReadAsync(timeout.Token));
        Assert.Equal("50% ***", redraw.Text);
        var lines = Assert.IsType<JobLinesEvent>(await subscription.Events.ReadAsync(timeout.Token));
        Assert.Equal("100% ***", Assert.Single(lines.Lines).Text);
        var stored = Assert.Single(_store.Lines);
        Assert.Equal(new LogLine(1, stored.Time, LogSource.Stderr, "100% ***"), stored);
    }

    [Fact]
    public async Task ARedrawAndALineTheReaderCut_AreMaskedThenCut_SoNoStartOfASecretRemains()
    {
        using var subscription = _notifier.Subscribe("job-1");
        var writer = Create();
        // The reader cut both in the middle of the secret; masking shortens them far below the limit.
        var cutInside = string.Concat(Enumerable.Repeat(Secret + " ", 100)) + Secret[..6];

        await writer.WriteAsync(LogSource.Stderr, [new(true, cutInside, Truncated: true), new(false, cutInside, Truncated: true)], CancellationToken.None);
        await writer.CompleteAsync();

        var expected = string.Concat(Enumerable.Repeat("*** ", 100)) + "***" + LineSplitter.TruncatedMarker;
        using var timeout = new CancellationTokenSource(Patience);
        Assert.Equal(expected, Assert.IsType<JobProgressLineEvent>(await subscription.Events.ReadAsync(timeout.Token)).Text);
        Assert.Equal(expected, Assert.Single(_store.Lines).Text);
    }

    [Fact]
    public async Task ALineOverTheLimit_IsCutAfterMasking_AndMarked()
    {
        var writer = Create();
        var line = new string('a', JobLogWriter.MaxLineLength - 4) + Secret + "tail";

        await writer.WriteAsync(LogSource.Stdout, [new(false, line)], CancellationToken.None);
        await writer.CompleteAsync();

        Assert.Equal(new string('a', JobLogWriter.MaxLineLength - 4) + "***t" + LineSplitter.TruncatedMarker, Assert.Single(_store.Lines).Text);
    }

    [Fact]
    public async Task TwoReadersAtOnce_GetOneGaplessNumbering_AndEachStreamKeepsItsOrder()
    {
        var writer = Create();

        async Task PumpAsync(LogSource source)
        {
            for (var read = 0; read < 50; read++)
            {
                var pieces = Enumerable.Range((read * 100) + 1, 100).Select(i => new OutputPiece(false, $"{source} {i}")).ToArray();
                await writer.WriteAsync(source, pieces, CancellationToken.None);
            }
        }

        await Task.WhenAll(Task.Run(() => PumpAsync(LogSource.Stdout)), Task.Run(() => PumpAsync(LogSource.Stderr)));
        await writer.CompleteAsync();

        var lines = _store.Lines;
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), lines.Select(l => l.Seq));
        foreach (var source in new[] { LogSource.Stdout, LogSource.Stderr })
        {
            Assert.Equal(Enumerable.Range(1, 5_000).Select(i => $"{source} {i}"), lines.Where(l => l.Source == source).Select(l => l.Text));
        }
    }

    [Fact]
    public async Task AFailingHook_FailsTheLog_AndEveryLaterWriteSaysWhy()
    {
        var writer = new JobLogWriter("job-1", 0, _store, _notifier, SecretMasker.Empty, TimeProvider.System, text =>
        {
            if (text == "boom")
            {
                throw new InvalidOperationException("parser broke");
            }
        });

        await writer.WriteAsync(LogSource.Stdout, "fine", CancellationToken.None);
        var first = await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(() => writer.WriteAsync(LogSource.Stdout, "boom", CancellationToken.None).AsTask());
        var later = await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(() => writer.WriteAsync(LogSource.Stdout, "after", CancellationToken.None).AsTask());

        Assert.Equal("parser broke", first.InnerException?.Message);
        Assert.Equal("parser broke", later.InnerException?.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(writer.CompleteAsync);
    }

    [Fact]
    public async Task AWriteAfterComplete_IsRefused_AndNumbersNothing()
    {
        var writer = Create();
        await writer.WriteAsync(LogSource.Stdout, "last", CancellationToken.None);
        await writer.CompleteAsync();

        await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(() => writer.WriteAsync(LogSource.System, "late", CancellationToken.None).AsTask());

        Assert.Equal([1L], _store.Lines.Select(l => l.Seq));
        Assert.Equal(1, writer.LastSeq);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(10);
        }
    }

    /// <summary>Keeps what is appended; <see cref="Gate"/>, when set, holds every append until it completes.</summary>
    private sealed class RecordingStore : IJobLogStore
    {
        private readonly Lock _gate = new();
        private readonly List<LogLine> _lines = [];
        private readonly List<int> _batches = [];

        public TaskCompletionSource? Gate { get; set; }

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _lines.Count;
                }
            }
        }

        public List<LogLine> Lines
        {
            get
            {
                lock (_gate)
                {
                    return [.. _lines];
                }
            }
        }

        public List<int> Batches
        {
            get
            {
                lock (_gate)
                {
                    return [.. _batches];
                }
            }
        }

        public async Task AppendAsync(string jobId, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken)
        {
            if (Gate is { } gate)
            {
                await gate.Task;
            }

            lock (_gate)
            {
                _lines.AddRange(lines);
                _batches.Add(lines.Count);
            }
        }

        public Task<IReadOnlyList<LogLine>> ReadAsync(string jobId, long afterSeq, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<LogLine>>(Lines.Where(l => l.Seq > afterSeq).Take(limit).ToList());

        public Task<IReadOnlyList<LogLine>> ReadTailAsync(string jobId, int count, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<LogLine>>(Lines.TakeLast(count).ToList());

        public Task<long> CountAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult((long)Count);

        public Task<long> LastSeqAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult(Lines.LastOrDefault()?.Seq ?? 0);

        public Task<long> DeleteAsync(string jobId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> CountAllAsync(CancellationToken cancellationToken) => Task.FromResult((long)Count);

        public Task<IReadOnlyDictionary<string, long>> SizesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>());
    }
}
