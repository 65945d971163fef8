using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Schedules;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Integration.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Audit;

/// <summary>
/// One console shared by the audit tests of a class (they run one after another): the fake AIrsenal CLI,
/// fixed FPL deadlines for schedules, and an admin client. Each test finds its own entries by target.
/// </summary>
public sealed class AuditConsole : IAsyncLifetime
{
    public JobsFactory Factory { get; } = new(AuthTestData.Settings(), services =>
        services.AddSingleton<IDeadlineSource>(new FixedDeadlines([DateTimeOffset.UtcNow.AddDays(2), DateTimeOffset.UtcNow.AddDays(9)])));

    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync() => Admin = await Factory.AdminClientAsync();

    public Task DisposeAsync()
    {
        Admin.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The entries of one action, newest first.</summary>
    public async Task<JsonArray> EntriesAsync(string action, int limit = 200)
    {
        var page = await Admin.GetFromJsonAsync<JsonObject>($"/api/audit?action={action}&limit={limit}");
        return page!["items"]!.AsArray();
    }

    /// <summary>The newest entry of <paramref name="action"/> on <paramref name="target"/>; fails when there is none.</summary>
    public async Task<JsonObject> EntryAsync(string action, string target)
    {
        var entries = await EntriesAsync(action);
        var entry = entries.Select(e => e!.AsObject()).FirstOrDefault(e => e["target"]!.GetValue<string>() == target);
        Assert.True(entry is not null, $"No {action} entry for {target}; entries of that action: {entries.ToJsonString()}");
        return entry!;
    }

    private sealed class FixedDeadlines(IReadOnlyList<DateTimeOffset> deadlines) : IDeadlineSource
    {
        public Task<IReadOnlyList<DateTimeOffset>> GetDeadlinesAsync(CancellationToken cancellationToken) => Task.FromResult(deadlines);
    }
}
