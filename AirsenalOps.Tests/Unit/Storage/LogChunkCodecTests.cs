using System.Buffers;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Sqlite;

namespace AirsenalOps.Tests.Unit.Storage;

public sealed class LogChunkCodecTests
{
    private static readonly DateTimeOffset T0 = new(2026, 8, 8, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RoundTrip_KeepsSeqGapsTimesGoingBackSourcesAndText()
    {
        LogLine[] lines =
        [
            new(1, T0.AddTicks(7), LogSource.System, "started"),
            new(2, T0.AddSeconds(-5), LogSource.Stderr, ""),
            new(40, T0.AddDays(3), LogSource.Stdout, "\x1b[32mØdegaard ⚽ 6.1\x1b[0m"),
            new(long.MaxValue / 2, DateTimeOffset.MinValue, LogSource.Stdout, new string('é', 5000)),
        ];
        var buffer = new ArrayBufferWriter<byte>();

        Assert.Equal(4, LogChunkCodec.Encode(lines, 0, buffer));
        var decoded = new List<LogLine>();
        LogChunkCodec.Decode(buffer.WrittenSpan.ToArray(), 0, decoded, int.MaxValue);

        Assert.Equal(lines, decoded);
    }

    [Fact]
    public void Encode_StopsAtTheLineLimit_AndAfterTheByteTarget()
    {
        var many = Enumerable.Range(1, LogChunkCodec.MaxLines + 5).Select(i => new LogLine(i, T0, LogSource.Stdout, "x")).ToList();
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Equal(LogChunkCodec.MaxLines, LogChunkCodec.Encode(many, 0, buffer));
        Assert.Equal(5, LogChunkCodec.Encode(many, LogChunkCodec.MaxLines, buffer));

        var big = Enumerable.Range(1, 10).Select(i => new LogLine(i, T0, LogSource.Stdout, new string('y', LogChunkCodec.TargetBytes / 3))).ToList();
        Assert.Equal(3, LogChunkCodec.Encode(big, 0, buffer));
        Assert.Equal(3, LogChunkCodec.Encode(big, 3, buffer));
    }

    [Fact]
    public void Decode_SkipsLinesUpToAfter_AndStopsAtMax()
    {
        var lines = Enumerable.Range(1, 10).Select(i => new LogLine(i, T0, LogSource.Stdout, $"line {i}")).ToList();
        var buffer = new ArrayBufferWriter<byte>();
        LogChunkCodec.Encode(lines, 0, buffer);

        var decoded = new List<LogLine> { lines[0] };
        LogChunkCodec.Decode(buffer.WrittenSpan.ToArray(), 4, decoded, 4);

        Assert.Equal([1L, 5, 6, 7], decoded.Select(l => l.Seq));
    }

    [Fact]
    public void Pack_DeflatesLogText_AndTheStoredFormDecodesToTheSameLines()
    {
        var lines = Enumerable.Range(1, 1000)
            .Select(i => new LogLine(i, T0.AddMilliseconds(i), LogSource.Stdout, $"line {i}: player {i * 7919 % 700} expects {i % 97 / 10.0:0.0} points"))
            .ToList();
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Equal(1000, LogChunkCodec.Encode(lines, 0, buffer));

        var packed = LogChunkCodec.Pack(buffer.WrittenSpan);

        Assert.Equal(LogChunkCodec.Deflated, packed[0]);
        Assert.True(packed.Length * 3 < buffer.WrittenCount, $"{packed.Length} bytes packed from {buffer.WrittenCount}");
        var decoded = new List<LogLine>();
        LogChunkCodec.Decode(packed, 990, decoded, int.MaxValue);
        Assert.Equal(lines.Skip(990), decoded);
    }

    [Fact]
    public void Pack_KeepsAChunkThatDoesNotShrink_AsItWas()
    {
        // A job printing a line now and then stores each line as a chunk of its own: too small to deflate.
        LogLine[] lines = [new(1, T0, LogSource.Stderr, "Gameweek 12")];
        var buffer = new ArrayBufferWriter<byte>();
        LogChunkCodec.Encode(lines, 0, buffer);

        var packed = LogChunkCodec.Pack(buffer.WrittenSpan);

        Assert.Equal(buffer.WrittenSpan.ToArray(), packed);
        var decoded = new List<LogLine>();
        LogChunkCodec.Decode(packed, 0, decoded, int.MaxValue);
        Assert.Equal(lines, decoded);
    }

    [Fact]
    public void Decode_RefusesAnUnknownFormat()
    {
        Assert.Throws<InvalidDataException>(() => LogChunkCodec.Decode([9, 1, 0, 0, 0], 0, [], 10));
        Assert.Throws<InvalidDataException>(() => LogChunkCodec.Decode([], 0, [], 10));
    }
}
