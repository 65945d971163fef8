using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Storage;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>/ws/jobs/{id}: the peer's messages, replay, live lines, resume, ping and the token check.</summary>
public sealed class JobsWebSocketTests : IDisposable
{
    private readonly JobsFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("?token=wrong")]
    [InlineData("")]
    public async Task BadOrMissingToken_ClosesWith1008(string query)
    {
        var job = await _factory.Jobs.CreateAsync("ok", null, CancellationToken.None);
        using var socket = await ConnectAsync($"/ws/jobs/{job.Id}{query}");

        var result = await socket.ReceiveAsync(new byte[1024], Timeout());

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(1008, (int)result.CloseStatus!);
    }

    [Fact]
    public async Task FinishedJob_ReplaysStoredLinesThenStatus_AndResumesAfterASequenceNumber()
    {
        var job = await _factory.Jobs.CreateAsync("lines", new JsonObject { ["count"] = 20 }, CancellationToken.None);
        await _factory.WaitForFinishAsync(job.Id);

        var all = await ReceiveUntilStatusAsync($"/ws/jobs/{job.Id}?token={await _factory.TokenAsync()}", "completed");
        var logs = all.Where(m => Type(m) == "log").ToList();
        Assert.Equal(Enumerable.Range(1, 22).Select(i => (long)i), logs.Select(m => m["seq"]!.GetValue<long>()));
        Assert.Equal("line 1", logs[1]["message"]!.GetValue<string>());
        Assert.Equal("status", Type(all[^1]));
        Assert.Equal(22, all.IndexOf(all[^1]));

        var resumed = await ReceiveUntilStatusAsync($"/ws/jobs/{job.Id}?token={await _factory.TokenAsync()}&after=10", "completed");
        Assert.Equal(Enumerable.Range(11, 12).Select(i => (long)i), resumed.Where(m => Type(m) == "log").Select(m => m["seq"]!.GetValue<long>()));
    }

    [Fact]
    public async Task RunningJob_StreamsLiveLinesWithoutGapsAndStatusChanges_AndAnswersPing()
    {
        // The job runs until cancelled, and is cancelled only once live lines have arrived: however slow
        // the machine, the socket sees it running (a job with a time limit could end before the connect).
        var token = await _factory.TokenAsync();
        var job = await _factory.Jobs.CreateAsync("endless", null, CancellationToken.None);
        await _factory.WaitForJobAsync(job.Id, j => j.Status == JobStatus.Running);
        var cancelled = false;

        var messages = await ReceiveUntilAsync($"/ws/jobs/{job.Id}?token={token}", m =>
        {
            if (!cancelled && Type(m) == "log" && m["message"]!.GetValue<string>() == "still working 5")
            {
                cancelled = true;
                _ = _factory.Jobs.CancelAsync(job.Id, CancellationToken.None);
            }

            return Type(m) == "status" && m["status"]!.GetValue<string>() == "cancelled";
        }, sendPing: true);

        Assert.Contains(messages, m => m["pong"] is not null);
        var seqs = messages.Where(m => Type(m) == "log").Select(m => m["seq"]!.GetValue<long>()).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal(await _factory.Jobs.CountLogsAsync(job.Id, CancellationToken.None), seqs.Count);
        var statuses = messages.Where(m => Type(m) == "status").Select(m => m["status"]!.GetValue<string>()).ToList();
        Assert.Equal("running", statuses[0]);
        Assert.Equal("cancelled", statuses[^1]);
    }

    [Fact]
    public async Task ParsedOutput_IsSentAsOutputMessage()
    {
        var job = await _factory.Jobs.CreateAsync("hooked", new JsonObject { ["count"] = 5 }, CancellationToken.None);
        await _factory.WaitForFinishAsync(job.Id);

        var messages = await ReceiveUntilAsync($"/ws/jobs/{job.Id}?token={await _factory.TokenAsync()}", m => Type(m) == "output", sendPing: false);

        Assert.Equal("test", messages[^1]["payload"]!["type"]!.GetValue<string>());
    }

    private static string? Type(JsonObject message) => message["type"]?.GetValue<string>();

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private async Task<WebSocket> ConnectAsync(string path)
    {
        var client = _factory.Server.CreateWebSocketClient();
        return await client.ConnectAsync(new Uri(_factory.Server.BaseAddress, path), Timeout());
    }

    private Task<List<JsonObject>> ReceiveUntilStatusAsync(string path, string status, bool sendPing = false) =>
        ReceiveUntilAsync(path, m => Type(m) == "status" && m["status"]!.GetValue<string>() == status, sendPing);

    private async Task<List<JsonObject>> ReceiveUntilAsync(string path, Func<JsonObject, bool> last, bool sendPing)
    {
        using var socket = await ConnectAsync(path);
        var timeout = Timeout();
        if (sendPing)
        {
            await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, true, timeout);
        }

        return await ReceiveUntilAsync(socket, last, timeout);
    }

    /// <summary>Every message of <paramref name="socket"/> up to <paramref name="last"/>, then a normal close.</summary>
    internal static async Task<List<JsonObject>> ReceiveUntilAsync(WebSocket socket, Func<JsonObject, bool> last, CancellationToken timeout)
    {
        var messages = new List<JsonObject>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout);
                text.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            var raw = Encoding.UTF8.GetString(text.ToArray());
            var message = raw == "pong" ? new JsonObject { ["pong"] = true } : JsonNode.Parse(raw)!.AsObject();
            messages.Add(message);
            if (last(message))
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout);
                return messages;
            }
        }
    }
}
