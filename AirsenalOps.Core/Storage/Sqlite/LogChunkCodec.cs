using System.Buffers;
using System.IO.Compression;
using System.Text;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>
/// The binary form of a run of log lines stored as one SQLite row. Per line: the sequence number as a
/// delta from the previous one, the time as a (zigzag) delta of UTC ticks, the stream, and the UTF-8 text
/// with its length. A row per line cost SQLite and the provider several microseconds each; a row per
/// chunk makes storing a line about as cheap as copying its bytes. A stored chunk is deflated
/// (<see cref="Pack"/>): log text shrinks 4–8 times, and writing it through SQLite's WAL and checkpoint
/// costs more than compressing it.
/// </summary>
internal static class LogChunkCodec
{
    /// <summary>First byte of a chunk as <see cref="Encode"/> writes it, so the layout can change without guessing.</summary>
    public const byte Version = 1;

    /// <summary>First byte of a packed chunk: the rest is a version 1 chunk's body, deflated.</summary>
    public const byte Deflated = 2;

    /// <summary>Lines per chunk at most: a page read decodes at most this many lines it does not return.</summary>
    public const int MaxLines = 2048;

    /// <summary>Bytes per chunk before another one is started (a chunk may exceed it by one line).</summary>
    public const int TargetBytes = 64 * 1024;

    /// <summary>
    /// Encodes lines from <paramref name="start"/> until the chunk is full; returns how many went in.
    /// The caller has checked that sequence numbers increase.
    /// </summary>
    public static int Encode(IReadOnlyList<LogLine> lines, int start, ArrayBufferWriter<byte> output)
    {
        output.ResetWrittenCount();
        output.GetSpan(1)[0] = Version;
        output.Advance(1);
        long previousSeq = 0;
        long previousTicks = 0;
        var count = 0;
        for (var i = start; i < lines.Count && count < MaxLines && output.WrittenCount < TargetBytes; i++, count++)
        {
            var line = lines[i];
            var ticks = line.Time.UtcTicks;
            var textBytes = Encoding.UTF8.GetByteCount(line.Text);
            // Three varints of at most 10 bytes, the stream byte, then the text.
            var span = output.GetSpan(31 + textBytes);
            var at = WriteVarint(span, (ulong)(line.Seq - previousSeq));
            at += WriteVarint(span[at..], ZigZag(ticks - previousTicks));
            span[at++] = (byte)line.Source;
            at += WriteVarint(span[at..], (ulong)textBytes);
            at += Encoding.UTF8.GetBytes(line.Text, span[at..]);
            output.Advance(at);
            previousSeq = line.Seq;
            previousTicks = ticks;
        }

        return count;
    }

    /// <summary>The chunk as stored: deflated, unless that does not make it smaller (a lone short line, text that does not compress).</summary>
    public static byte[] Pack(ReadOnlySpan<byte> chunk)
    {
        using var packed = new MemoryStream(chunk.Length / 4);
        packed.WriteByte(Deflated);
        using (var deflate = new DeflateStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(chunk[1..]);
        }

        return packed.Length < chunk.Length ? packed.ToArray() : chunk.ToArray();
    }

    /// <summary>Adds the chunk's lines above <paramref name="afterSeq"/> to <paramref name="into"/>, until it holds <paramref name="max"/>.</summary>
    public static void Decode(byte[] chunk, long afterSeq, List<LogLine> into, int max)
    {
        if (chunk.Length > 0 && chunk[0] == Deflated)
        {
            // Sized for the usual chunk (text deflates 4–8 times) and below the large-object heap: a page read
            // decodes a chunk per 2,048 lines, and a large buffer each time would cost full collections.
            using var inflated = new MemoryStream(Math.Min(chunk.Length * 8, TargetBytes + 4096));
            using (var deflate = new DeflateStream(new MemoryStream(chunk, 1, chunk.Length - 1), CompressionMode.Decompress))
            {
                deflate.CopyTo(inflated);
            }

            DecodeBody(inflated.GetBuffer().AsSpan(0, (int)inflated.Length), afterSeq, into, max);
            return;
        }

        if (chunk.Length == 0 || chunk[0] != Version)
        {
            throw new InvalidDataException($"Unknown log chunk format {(chunk.Length == 0 ? "(empty)" : chunk[0].ToString(System.Globalization.CultureInfo.InvariantCulture))}.");
        }

        DecodeBody(chunk.AsSpan(1), afterSeq, into, max);
    }

    private static void DecodeBody(ReadOnlySpan<byte> data, long afterSeq, List<LogLine> into, int max)
    {
        long seq = 0;
        long ticks = 0;
        while (!data.IsEmpty && into.Count < max)
        {
            seq += (long)ReadVarint(ref data);
            ticks += UnZigZag(ReadVarint(ref data));
            var source = (LogSource)data[0];
            data = data[1..];
            var length = checked((int)ReadVarint(ref data));
            if (seq > afterSeq)
            {
                into.Add(new LogLine(seq, new DateTimeOffset(ticks, TimeSpan.Zero), source, Encoding.UTF8.GetString(data[..length])));
            }

            data = data[length..];
        }
    }

    private static int WriteVarint(Span<byte> span, ulong value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            span[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[at++] = (byte)value;
        return at;
    }

    private static ulong ReadVarint(ref ReadOnlySpan<byte> data)
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = data[0];
            data = data[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("Corrupt log chunk: a number runs past 10 bytes.");
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
