using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Pages.Audit;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Audit;

public sealed class AuditPageTests : CoreTestContext
{
    private AuditLog Log => Core.Services.GetRequiredService<AuditLog>();

    [Fact]
    public void NothingRecorded_ShowsTheEmptyState()
    {
        var page = Render<AuditPage>();

        page.WaitForAssertion(() => Assert.Equal("Nothing recorded yet.", page.Find("[data-testid=audit-empty]").TextContent), Patience);
    }

    [Fact]
    public async Task AJobQueuedOnTheCircuit_IsListed_WithTheCircuitsActorAndAddress()
    {
        // What the circuit handler does around a click that queues a job.
        using (AuditActor.Use(new AuditActor("admin@example.com", "192.0.2.80")))
        {
            await Core.Jobs.CreateAsync("predict", new() { ["weeks_ahead"] = 2 }, CancellationToken.None);
        }

        var page = Render<AuditPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr [data-testid=audit-action]")), Patience);
        var row = page.Find("tbody tr").TextContent;
        Assert.Contains("job_created", row, StringComparison.Ordinal);
        Assert.Contains("admin@example.com", row, StringComparison.Ordinal);
        Assert.Contains("192.0.2.80", row, StringComparison.Ordinal);
        Assert.Contains("command=predict", row, StringComparison.Ordinal);
        Assert.Contains("UTC", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_AreNewestFirst_AndPagedByTheServer()
    {
        for (var i = 0; i < 60; i++)
        {
            await Log.RecordAsync(AuditAction.SecretSet, $"KEY_{i:00}");
        }

        var page = Render<AuditPage>();

        page.WaitForAssertion(() => Assert.Equal(50, page.FindAll("[data-testid=audit-target]").Count), Patience);
        Assert.Equal("KEY_59", page.FindAll("[data-testid=audit-target]")[0].TextContent);
        Assert.Contains("of 60", page.Find(".mud-table-pagination").TextContent, StringComparison.Ordinal);

        var table = page.FindComponent<MudTable<AuditRecord>>();
        await page.InvokeAsync(() => table.Instance.NavigateTo(Page.Next));

        page.WaitForAssertion(() => Assert.Equal(10, page.FindAll("[data-testid=audit-target]").Count), Patience);
        Assert.Equal("KEY_09", page.FindAll("[data-testid=audit-target]")[0].TextContent);
    }

    [Fact]
    public async Task ActionFilter_ListsOnlyThatAction_AndSaysWhenNothingMatches()
    {
        await Log.RecordAsync(AuditAction.LoginFailed, "intruder@example.com", actor: AuditActor.Anonymous);
        await Log.RecordAsync(AuditAction.SecretSet, "FPL_LOGIN", actor: "admin@example.com");
        var page = Render<AuditPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-action]").Count), Patience);

        var select = page.FindComponent<MudSelect<AuditAction?>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(AuditAction.LoginFailed));

        page.WaitForAssertion(() => Assert.Equal(["login_failed"], page.FindAll("[data-testid=audit-action]").Select(a => a.TextContent)), Patience);

        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(AuditAction.BackupRestored));

        page.WaitForAssertion(() => Assert.Equal("No entries match these filters.", page.Find("[data-testid=audit-empty]").TextContent), Patience);
    }

    [Fact]
    public async Task ActorFilter_ListsOnlyThatActor()
    {
        await Log.RecordAsync(AuditAction.LoginFailed, "intruder@example.com", actor: AuditActor.Anonymous);
        await Log.RecordAsync(AuditAction.SecretSet, "FPL_LOGIN", actor: "admin@example.com");
        var page = Render<AuditPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-action]").Count), Patience);

        var actor = page.FindComponent<MudTextField<string>>();
        await page.InvokeAsync(() => actor.Instance.ValueChanged.InvokeAsync(" admin@example.com "));

        page.WaitForAssertion(() => Assert.Equal(["secret_set"], page.FindAll("[data-testid=audit-action]").Select(a => a.TextContent)), Patience);
    }

    [Fact]
    public void Details_ReadAsKeyValuePairs()
    {
        var entry = new AuditRecord
        {
            Id = "a",
            At = DateTimeOffset.UnixEpoch,
            Actor = "system",
            Client = "local",
            Action = AuditAction.ScheduleCreated,
            Details = new Dictionary<string, string> { ["name"] = "Weekly", ["enabled"] = "true" },
        };

        Assert.Equal("name=Weekly enabled=true", AuditPage.DetailsText(entry));
        Assert.Equal("–", AuditPage.DetailsText(entry with { Details = new Dictionary<string, string>() }));
        Assert.Equal("–", AuditPage.TargetText(entry));
    }
}
