using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Api;
using AirsenalOps.Web.Configuration;
using AirsenalOps.Web.Extensions;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddConsoleLogging();
    builder.AddStorage();
    builder.AddAirsenal();
    builder.AddJobs();
    builder.AddJobsWebSocket();
    builder.AddApi();
    builder.AddUi();

    var app = builder.Build();
    app.UseRequestLogging();
    app.UseUi();
    app.UseApiErrors();
    app.MapHealthApi();
    app.MapJobsApi();
    app.MapJobsWebSocket();
    app.MapApiFallback();
    app.MapUi();
    app.Run();
    return 0;
}
catch (Exception ex) when (StartupErrors.Describe(ex) is { } message)
{
    // A bad setting is the operator's to fix: say which one in a line, no stack trace.
    Console.Error.WriteLine(message);
    return 1;
}

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
