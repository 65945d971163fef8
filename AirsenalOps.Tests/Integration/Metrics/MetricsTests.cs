using System.Net;
using System.Net.Http.Headers;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Integration.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Metrics;

public sealed class MetricsTests : IDisposable
{
    private const string ScrapeToken = "scrape-me-please";

    private readonly JobsFactory _factory = new(
        AuthTestData.Settings(("METRICS_TOKEN", ScrapeToken)),
        services => services.AddSingleton<IDeadlineSource>(new NoDeadlines()));

    [Fact]
    public async Task Metrics_WithTheScrapeToken_ListJobsQueueLogLinesDurationsAndHttpRequests()
    {
        var job = await _factory.Jobs.CreateAsync("ok", null, CancellationToken.None);
        await _factory.WaitForFinishAsync(job.Id);
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeToken);
        // /metrics does not count itself: make a request worth counting.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/schedules")).StatusCode);

        var text = string.Empty;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !text.Contains("airsenalops_job_duration_seconds_count{command=\"ok\",status=\"completed\"} 1", StringComparison.Ordinal))
        {
            var response = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
            await Task.Delay(100);
        }

        Assert.Contains("airsenalops_job_duration_seconds_count{command=\"ok\",status=\"completed\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("airsenalops_jobs{command=\"ok\",status=\"completed\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("airsenalops_jobs{command=\"predict\",status=\"pending\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("airsenalops_queue_depth 0", text, StringComparison.Ordinal);
        Assert.Matches(@"airsenalops_log_lines_stored [1-9]", text);
        Assert.Contains("http_requests_received_total{code=\"401\",method=\"GET\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_WithoutOrWithAWrongToken_Answer401_AndTheAdminTokenWorks()
    {
        using var anonymous = _factory.CreateClient();
        var none = await anonymous.GetAsync("/metrics");
        using var wrong = _factory.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "guess");
        using var admin = _factory.Authorized(await AuthTestData.LoginAsync(anonymous));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Not authenticated", await AuthTestData.DetailAsync(none));
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/metrics")).StatusCode);
        var ok = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("airsenalops_queue_depth", await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _factory.Dispose();

    private sealed class NoDeadlines : IDeadlineSource
    {
        public Task<IReadOnlyList<DateTimeOffset>> GetDeadlinesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DateTimeOffset>>([]);
    }
}
