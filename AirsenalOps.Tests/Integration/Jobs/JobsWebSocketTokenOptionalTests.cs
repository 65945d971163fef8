using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>
/// Issue 17.1: the older console's React app opens /ws/jobs/{id} without a token. With WS_REQUIRE_TOKEN=false
/// such a socket is served; one that brings a token is still checked. The default (true) is pinned by
/// <see cref="JobsWebSocketTests.BadOrMissingToken_ClosesWith1008"/>.
/// </summary>
public sealed class JobsWebSocketTokenOptionalTests : IDisposable
{
    private readonly JobsFactory _factory = new(new Dictionary<string, string?> { ["WS_REQUIRE_TOKEN"] = "false" });

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData("?token=")]
    public async Task WithoutAToken_TheSocketReplaysTheJobToItsStatus(string query)
    {
        var job = await _factory.Jobs.CreateAsync("lines", new JsonObject { ["count"] = 5 }, CancellationToken.None);
        await _factory.WaitForFinishAsync(job.Id);

        var messages = await ReceiveAllAsync($"/ws/jobs/{job.Id}{query}");

        Assert.Equal(["line 1", "line 2", "line 3", "line 4", "line 5"],
            messages.Where(m => m["type"]?.GetValue<string>() == "log").Select(m => m["message"]!.GetValue<string>()).Where(t => t.StartsWith("line ", StringComparison.Ordinal)));
        Assert.Equal("completed", messages[^1]["status"]?.GetValue<string>());
    }

    [Fact]
    public async Task WithABadToken_TheSocketIsStillClosedWith1008()
    {
        var job = await _factory.Jobs.CreateAsync("ok", null, CancellationToken.None);
        using var socket = await ConnectAsync($"/ws/jobs/{job.Id}?token=wrong");

        var result = await socket.ReceiveAsync(new byte[1024], Timeout());

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(1008, (int)result.CloseStatus!);
    }

    [Fact]
    public async Task WithTheAdminsToken_TheSocketWorksAsUsual()
    {
        var job = await _factory.Jobs.CreateAsync("ok", null, CancellationToken.None);
        await _factory.WaitForFinishAsync(job.Id);

        var messages = await ReceiveAllAsync($"/ws/jobs/{job.Id}?token={await _factory.TokenAsync()}");

        Assert.Equal("completed", messages[^1]["status"]?.GetValue<string>());
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private async Task<WebSocket> ConnectAsync(string path) =>
        await _factory.Server.CreateWebSocketClient().ConnectAsync(new Uri(_factory.Server.BaseAddress, path), Timeout());

    /// <summary>Every message until the job's final status (a finished job ends its replay with it).</summary>
    private async Task<List<JsonObject>> ReceiveAllAsync(string path)
    {
        using var socket = await ConnectAsync(path);
        return await JobsWebSocketTests.ReceiveUntilAsync(
            socket, m => m["type"]?.GetValue<string>() == "status" && m["status"]?.GetValue<string>() is "completed" or "failed", Timeout());
    }
}
