using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Components.Pages.Jobs;

namespace AirsenalOps.Tests.Components.Jobs;

public sealed class LogBufferTests
{
    private static LogLine Line(long seq, string text) => new(seq, DateTimeOffset.UnixEpoch, LogSource.Stdout, text);

    [Fact]
    public void Append_SkipsLinesAlreadyShown()
    {
        var buffer = new LogBuffer();
        buffer.Append([Line(1, "a"), Line(2, "b")]);
        buffer.Append([Line(2, "b"), Line(3, "c")]);

        Assert.Equal([1L, 2L, 3L], buffer.Visible.Select(l => l.Seq));
        Assert.Equal(3, buffer.LastSeq);
    }

    [Fact]
    public void Capacity_DropsTheOldestLines_AndCountsThem()
    {
        var buffer = new LogBuffer(capacity: 3);
        buffer.Append([.. Enumerable.Range(1, 5).Select(i => Line(i, "line " + i))]);

        Assert.Equal([3L, 4L, 5L], buffer.Visible.Select(l => l.Seq));
        Assert.Equal(2, buffer.Dropped);
    }

    [Fact]
    public void Search_IgnoresCaseAndColourCodes_AndFollowsNewLines()
    {
        var buffer = new LogBuffer();
        buffer.Append([Line(1, "\u001b[31mERROR\u001b[0m one"), Line(2, "fine"), Line(3, "error two")]);

        buffer.SetSearch("error");
        Assert.Equal([1L, 3L], buffer.Visible.Select(l => l.Seq));
        buffer.Append([Line(4, "another Error"), Line(5, "ok")]);
        Assert.Equal(3, buffer.MatchCount);

        buffer.SetSearch("  ");
        Assert.Null(buffer.Search);
        Assert.Equal(5, buffer.Visible.Count);
    }

    [Fact]
    public void Search_ForgetsMatchesThatWereDropped()
    {
        var buffer = new LogBuffer(capacity: 2);
        buffer.SetSearch("x");
        buffer.Append([Line(1, "x1"), Line(2, "x2"), Line(3, "x3")]);

        Assert.Equal([2L, 3L], buffer.Visible.Select(l => l.Seq));
        buffer.Clear();
        Assert.Equal(0, buffer.Count);
        Assert.Equal(0, buffer.LastSeq);
    }
}
