using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Notifications;
using AirsenalOps.Core.Reports;
using AirsenalOps.Core.Retention;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Team;
using AirsenalOps.Web.Api;
using AirsenalOps.Web.Audit;
using AirsenalOps.Web.Auth;
using AirsenalOps.Web.Configuration;
using AirsenalOps.Web.Extensions;
using AirsenalOps.Web.Metrics;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.CheckStaticAssets();
    builder.AddConsoleLogging();
    builder.AddStorage();
    builder.AddSecrets();
    builder.AddAirsenal();
    builder.AddJobs();
    builder.AddRetention();
    builder.AddAirsenalCommands();
    builder.AddJobsApi();
    builder.AddJobsWebSocket();
    builder.AddReports();
    builder.AddTeam();
    builder.AddSchedules();
    builder.AddNotifications();
    builder.AddMetrics();
    builder.AddApiDocs();
    builder.AddApi();
    builder.AddHealthApi();
    builder.AddAuth();
    builder.AddRateLimiting();
    builder.AddAudit();
    builder.AddProxyHeaders();
    builder.AddUi();

    var app = builder.Build();
    app.UseProxyHeaders();
    app.UseRequestLogging();
    app.UseMetrics();
    app.UseAuth();
    app.UseAuditActor();
    app.UseUi();
    app.UseApiErrors();
    app.UseAdminAuthorization();
    app.MapHealthApi();
    app.MapAuthApi();
    app.MapSecretsApi();
    app.MapSessionEndpoints();
    app.MapJobsApi();
    app.MapJobsWebSocket();
    app.MapReportsApi();
    app.MapTeamApi();
    app.MapDatabaseApi();
    app.MapSchedulesApi();
    app.MapNotificationsApi();
    app.MapAuditApi();
    app.MapMetricsEndpoint();
    app.MapApiDocs();
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
