using AirsenalOps.Web.Extensions;
using Microsoft.AspNetCore.Http;
using Serilog.Events;

namespace AirsenalOps.Tests.Unit.Logging;

public sealed class RequestLogLevelTests
{
    [Theory]
    [InlineData("GET", "/api/health")]
    [InlineData("GET", "/api/jobs")]
    [InlineData("HEAD", "/api/jobs/abc/logs.txt")]
    public void SuccessfulApiRead_IsLoggedAtDebug(string method, string path) =>
        Assert.Equal(LogEventLevel.Debug, LoggingExtensions.RequestLevel(Context(method, path, 200), 1, null));

    [Fact]
    public void UnhealthyHealthCheck_IsLoggedAsError() =>
        Assert.Equal(LogEventLevel.Error, LoggingExtensions.RequestLevel(Context("GET", "/api/health", 503), 1, null));

    [Theory]
    [InlineData("POST", "/api/jobs", 201)]
    [InlineData("DELETE", "/api/jobs/logs", 200)]
    [InlineData("GET", "/api/jobs", 401)]
    [InlineData("GET", "/api/jobs/nope", 404)]
    [InlineData("GET", "/apix/jobs", 200)]
    [InlineData("GET", "/", 200)]
    public void ChangesRefusalsAndPages_AreLoggedAtInformation(string method, string path, int status) =>
        Assert.Equal(LogEventLevel.Information, LoggingExtensions.RequestLevel(Context(method, path, status), 1, null));

    [Fact]
    public void RequestThatThrew_IsLoggedAsError() =>
        Assert.Equal(LogEventLevel.Error, LoggingExtensions.RequestLevel(Context("GET", "/api/jobs", 200), 1, new InvalidOperationException("boom")));

    private static DefaultHttpContext Context(string method, string path, int status)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.StatusCode = status;
        return context;
    }
}
