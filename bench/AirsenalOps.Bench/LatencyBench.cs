using System.Buffers.Text;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace AirsenalOps.Bench;

/// <summary>
/// Print → WebSocket delay: a job prints "&lt;wall clock ns&gt; &lt;n&gt;" lines at a steady rate and K clients on
/// /ws/jobs/{id} note when each line arrives. Only lines printed after every client is connected count (earlier
/// ones arrive as stored history, not live). The clients run in this process, beside the console.
/// </summary>
internal static class LatencyBench
{
    /// <summary>Seconds of printing before the measured window, while the clients connect.</summary>
    private const int LeadSeconds = 2;

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(int rate, int seconds, IReadOnlyList<int> clientCounts, string dataDir)
    {
        await using var console = new InProcessConsole(dataDir);
        console.Start();
        // Warm-up: JIT of the socket path and the first process start.
        await MeasureAsync(console, 1, rate, 1);

        var rows = new List<ResultRow>();
        foreach (var clients in clientCounts)
        {
            var part = $"live log, {clients} client{(clients == 1 ? string.Empty : "s")}";
            var (latencies, complete, perClient) = await MeasureAsync(console, clients, rate, seconds);
            var p50 = Machine.Percentile(latencies, 0.50);
            var p99 = Machine.Percentile(latencies, 0.99);
            rows.Add(ResultRow.Info(part, $"print → client p50 @ {rate:N0} lines/s", Ms(p50)));
            rows.Add(ResultRow.Judged(part, $"print → client p99 @ {rate:N0} lines/s", Ms(p99), "≤ 50 ms", p99 <= 50));
            rows.Add(ResultRow.Info(part, "print → client max", Ms(latencies.Count == 0 ? double.NaN : latencies[^1])));
            rows.Add(ResultRow.Judged(part, "clients that got every live line", $"{complete} / {clients} ({perClient:N0} lines each)", "all", complete == clients));
        }

        return rows;
    }

    private static async Task<(List<double> Sorted, int Complete, int LinesPerClient)> MeasureAsync(InProcessConsole console, int clients, int rate, int seconds)
    {
        var count = rate * (seconds + LeadSeconds);
        var job = await console.Jobs.CreateAsync("bench_paced", new JsonObject { ["count"] = count, ["rate"] = rate }, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + LeadSeconds + 120));
        var sockets = new List<ClientWebSocket>();
        try
        {
            var connecting = Enumerable.Range(0, clients).Select(async _ =>
            {
                var socket = new ClientWebSocket();
                lock (sockets)
                {
                    sockets.Add(socket);
                }

                await socket.ConnectAsync(console.SocketAddress(job.Id), timeout.Token);
                return socket;
            }).ToList();
            var connected = await Task.WhenAll(connecting);
            var cutoff = UnixTicksNow();
            var results = await Task.WhenAll(connected.Select(s => ReceiveAsync(s, count, cutoff, timeout.Token)));
            await console.WaitFinishedAsync(job.Id, TimeSpan.FromSeconds(30));

            var all = results.SelectMany(r => r.Latencies).ToList();
            all.Sort();
            return (all, results.Count(r => r.Complete), results.Length == 0 ? 0 : results.Min(r => r.Latencies.Count));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }
        }
    }

    /// <summary>
    /// Reads until the last line arrives. Parses only what it needs from the bytes: fifty clients at 5,000
    /// lines/s are 250,000 messages a second on the same cores as the console.
    /// </summary>
    private static async Task<(List<double> Latencies, bool Complete)> ReceiveAsync(ClientWebSocket socket, int count, long cutoffTicks, CancellationToken cancellationToken)
    {
        var latencies = new List<double>(count);
        var buffer = new byte[64 * 1024];
        long first = -1, last = -1;
        try
        {
            while (last < count)
            {
                var filled = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(filled), cancellationToken);
                    filled += result.Count;
                }
                while (!result.EndOfMessage && filled < buffer.Length);

                var now = UnixTicksNow();
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var message = buffer.AsSpan(0, filled);
                if (message.IndexOf("\"type\":\"status\""u8) >= 0
                    && (message.IndexOf("\"status\":\"completed\""u8) >= 0 || message.IndexOf("\"status\":\"failed\""u8) >= 0 || message.IndexOf("\"status\":\"cancelled\""u8) >= 0))
                {
                    break;
                }

                if (message.IndexOf("\"source\":\"stdout\""u8) < 0 || !TryParseLine(message, out var printedTicks, out var number) || printedTicks < cutoffTicks)
                {
                    continue;
                }

                first = first < 0 ? number : first;
                last = number;
                latencies.Add((now - printedTicks) / (double)TimeSpan.TicksPerMillisecond);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Counted as incomplete below.
        }

        return (latencies, last == count && latencies.Count == count - first + 1);
    }

    /// <summary>"message":"&lt;ns&gt; &lt;n&gt;" → print time in ticks since the Unix epoch and the line number.</summary>
    private static bool TryParseLine(ReadOnlySpan<byte> message, out long printedTicks, out long number)
    {
        printedTicks = number = 0;
        var at = message.IndexOf("\"message\":\""u8);
        if (at < 0)
        {
            return false;
        }

        var text = message[(at + 11)..];
        if (!Utf8Parser.TryParse(text, out long ns, out var used) || used >= text.Length || text[used] != (byte)' '
            || !Utf8Parser.TryParse(text[(used + 1)..], out number, out _))
        {
            return false;
        }

        printedTicks = ns / 100;
        return true;
    }

    private static long UnixTicksNow() => DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;

    private static string Ms(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:0.0} ms");
}
