using System.Net.Http.Headers;
using System.Net.WebSockets;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Integration.Jobs;
using AirsenalOps.Web.Metrics;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Metrics;

public sealed class LiveSubscribersMetricTests : IDisposable
{
    private const string ScrapeToken = "scrape-me-please";
    private const string WebSocketGauge = "airsenalops_live_subscribers{kind=\"websocket\"}";

    private readonly JobsFactory _factory = new(
        AuthTestData.Settings(("METRICS_TOKEN", ScrapeToken)),
        services => services.AddSingleton<IDeadlineSource>(new NoDeadlines()));

    [Fact]
    public async Task WebSocketGauge_CountsAnOpenJobSocket_AndDropsBackWhenItCloses()
    {
        var job = await _factory.Jobs.CreateAsync("ok", null, CancellationToken.None);
        using var scraper = _factory.CreateClient();
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeToken);
        var before = await ScrapeAsync(scraper);
        Assert.Contains(WebSocketGauge + " 0", before, StringComparison.Ordinal);
        Assert.Contains("airsenalops_live_subscribers{kind=\"circuit\"} 0", before, StringComparison.Ordinal);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var client = _factory.Server.CreateWebSocketClient();
        using var socket = await client.ConnectAsync(new Uri(_factory.Server.BaseAddress, $"/ws/jobs/{job.Id}?token={await _factory.TokenAsync()}"), timeout.Token);
        // The first message proves the server side is past its checks and following the job.
        var buffer = new byte[8192];
        var first = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, first.MessageType);

        await WaitForGaugeAsync(scraper, WebSocketGauge + " 1");

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        await WaitForGaugeAsync(scraper, WebSocketGauge + " 0");
    }

    [Fact]
    public void Track_CountsByKind_AndADoubleDisposeCountsDownOnce()
    {
        var live = new LiveSubscribers();
        var circuit = live.Track(LiveSubscribers.Circuit);
        using (live.Track(LiveSubscribers.WebSocket))
        {
            Assert.Equal((1, 1), (live.WebSockets, live.Circuits));
        }

        circuit.Dispose();
        circuit.Dispose();

        Assert.Equal((0, 0), (live.WebSockets, live.Circuits));
        Assert.Throws<ArgumentOutOfRangeException>(() => live.Track("carrier-pigeon"));
    }

    private static async Task<string> ScrapeAsync(HttpClient scraper)
    {
        var response = await scraper.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task WaitForGaugeAsync(HttpClient scraper, string line)
    {
        var text = string.Empty;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            text = await ScrapeAsync(scraper);
            if (text.Contains(line, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Contains(line, text, StringComparison.Ordinal);
    }

    public void Dispose() => _factory.Dispose();

    private sealed class NoDeadlines : IDeadlineSource
    {
        public Task<IReadOnlyList<DateTimeOffset>> GetDeadlinesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DateTimeOffset>>([]);
    }
}
