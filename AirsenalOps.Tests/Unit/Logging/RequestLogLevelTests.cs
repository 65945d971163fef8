using AirsenalOps.Web.Extensions;
using Microsoft.AspNetCore.Http;
using Serilog.Events;

namespace AirsenalOps.Tests.Unit.Logging;

public sealed class RequestLogLevelTests
{
    [Fact]
    public void SuccessfulHealthCheck_IsLoggedAtDebug() =>
        Assert.Equal(LogEventLevel.Debug, LoggingExtensions.RequestLevel(Context("/api/health", 200), 1, null));

    [Fact]
    public void UnhealthyHealthCheck_IsLoggedAsError() =>
        Assert.Equal(LogEventLevel.Error, LoggingExtensions.RequestLevel(Context("/api/health", 503), 1, null));

    [Theory]
    [InlineData("/api/jobs", 200)]
    [InlineData("/api/jobs", 401)]
    [InlineData("/api/healthz", 200)]
    [InlineData("/", 200)]
    public void OtherRequests_AreLoggedAtInformation(string path, int status) =>
        Assert.Equal(LogEventLevel.Information, LoggingExtensions.RequestLevel(Context(path, status), 1, null));

    [Fact]
    public void RequestThatThrew_IsLoggedAsError() =>
        Assert.Equal(LogEventLevel.Error, LoggingExtensions.RequestLevel(Context("/api/jobs", 200), 1, new InvalidOperationException("boom")));

    private static DefaultHttpContext Context(string path, int status)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Response.StatusCode = status;
        return context;
    }
}
