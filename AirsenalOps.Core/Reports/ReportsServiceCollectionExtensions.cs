using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AirsenalOps.Core.Reports;

public static class ReportsServiceCollectionExtensions
{
    /// <summary>Read-only reports from AIrsenal's database (needs AddAirsenal for its location).</summary>
    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AirsenalReports>();
        return builder;
    }
}
