using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Unit.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Audit;

/// <summary>Each admin action, done through the JSON API, leaves its entry: who, from where, what, on what.</summary>
public sealed class AuditActionsApiTests(AuditConsole console) : IClassFixture<AuditConsole>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private HttpClient Admin => console.Admin;

    private IStorage Storage => console.Factory.Storage;

    [Fact]
    public async Task LoginSucceeded_IsRecordedWithTheAdminAsActor()
    {
        using var anonymous = console.Factory.CreateClient();
        await AuthTestData.LoginAsync(anonymous);

        var entry = await console.EntryAsync("login_succeeded", AuthTestData.AdminEmail);

        Assert.Equal(AuthTestData.AdminEmail, entry["actor"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(entry["client"]!.GetValue<string>()));
    }

    [Fact]
    public async Task LoginFailed_IsRecordedAsAnonymous_WithTheAddressTried_ButNeverAPasswordTypedAsAddress()
    {
        using var anonymous = console.Factory.CreateClient();
        var wrong = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "intruder@example.com", password = "guess-1" });
        var misplaced = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "my secret passphrase", password = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, misplaced.StatusCode);

        var entry = await console.EntryAsync("login_failed", "intruder@example.com");
        var all = (await console.EntriesAsync("login_failed")).ToJsonString();

        Assert.Equal("anonymous", entry["actor"]!.GetValue<string>());
        Assert.Equal("invalid_credentials", entry["details"]!["reason"]!.GetValue<string>());
        Assert.DoesNotContain("passphrase", all, StringComparison.Ordinal);
        Assert.DoesNotContain("guess-1", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretSet_AndCleared_RecordTheKeyOnly()
    {
        (await Admin.PostAsJsonAsync("/api/secrets", new { key = "FPL_LOGIN", value = "audit-value-never-shown" })).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync("/api/secrets", new { key = "FPL_LOGIN", value = "" })).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync("/api/secrets", new { key = "FPL_LEAGUE_ID", value = "12345" })).EnsureSuccessStatusCode();
        (await Admin.DeleteAsync("/api/secrets/FPL_LEAGUE_ID")).EnsureSuccessStatusCode();

        var set = await console.EntryAsync("secret_set", "FPL_LOGIN");
        var cleared = await console.EntryAsync("secret_cleared", "FPL_LOGIN");
        var deleted = await console.EntryAsync("secret_cleared", "FPL_LEAGUE_ID");
        var everything = await Admin.GetStringAsync("/api/audit?limit=200");

        Assert.Equal(AuthTestData.AdminEmail, set["actor"]!.GetValue<string>());
        Assert.Equal(AuthTestData.AdminEmail, cleared["actor"]!.GetValue<string>());
        Assert.Equal("true", deleted["details"]!["deleted"]!.GetValue<string>());
        Assert.DoesNotContain("audit-value-never-shown", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("12345", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobCreated_RecordsTheJobAndItsCommand()
    {
        var response = await Admin.PostAsJsonAsync("/api/jobs", new { command = "predict", parameters = new { weeks_ahead = 2 } });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        var entry = await console.EntryAsync("job_created", id);

        Assert.Equal("predict", entry["details"]!["command"]!.GetValue<string>());
        Assert.Contains("weeks_ahead", entry["details"]!["parameters"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(AuthTestData.AdminEmail, entry["actor"]!.GetValue<string>());
    }

    [Fact]
    public async Task TransfersApplied_IsItsOwnAction()
    {
        var response = await Admin.PostAsJsonAsync("/api/jobs", new { command = "make_transfers", parameters = new { confirm = true } });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        var entry = await console.EntryAsync("transfers_applied", id);

        Assert.Equal("make_transfers", entry["details"]!["command"]!.GetValue<string>());
        Assert.DoesNotContain((await console.EntriesAsync("job_created")), e => e!["target"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task JobCancelled_IsRecorded_ButARefusedCancelIsNot()
    {
        var job = await AddJobAsync(JobStatus.Pending, nextAttempt: DateTimeOffset.UtcNow.AddDays(1));
        var done = await AddJobAsync(JobStatus.Completed);

        (await Admin.PostAsync($"/api/jobs/{job.Id}/cancel", null)).EnsureSuccessStatusCode();
        var refused = await Admin.PostAsync($"/api/jobs/{done.Id}/cancel", null);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var entry = await console.EntryAsync("job_cancelled", job.Id);
        Assert.Equal("cancelled", entry["details"]!["status"]!.GetValue<string>());
        Assert.DoesNotContain(await console.EntriesAsync("job_cancelled"), e => e!["target"]!.GetValue<string>() == done.Id);
    }

    [Fact]
    public async Task JobRetried_IsRecorded()
    {
        var job = await AddJobAsync(JobStatus.Pending, nextAttempt: DateTimeOffset.UtcNow.AddDays(1), retryCount: 1);

        (await Admin.PostAsync($"/api/jobs/{job.Id}/retry", null)).EnsureSuccessStatusCode();

        var entry = await console.EntryAsync("job_retried", job.Id);
        Assert.Equal("predict", entry["details"]!["command"]!.GetValue<string>());
    }

    [Fact]
    public async Task JobGivenUp_IsRecorded()
    {
        var job = await AddJobAsync(JobStatus.Pending, nextAttempt: DateTimeOffset.UtcNow.AddDays(1), retryCount: 1);

        (await Admin.PostAsync($"/api/jobs/{job.Id}/give-up", null)).EnsureSuccessStatusCode();

        var entry = await console.EntryAsync("job_given_up", job.Id);
        Assert.Equal("failed", entry["details"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Schedule_CreatedChangedDisabledEnabledDeleted_AreEachRecorded()
    {
        var created = await Admin.PostAsJsonAsync("/api/schedules", new { name = "Audit me", command = "update_db", cron = "0 6 * * 1", time_zone = "UTC" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        (await Admin.PutAsJsonAsync($"/api/schedules/{id}", new { name = "Audit me later", command = "update_db", cron = "0 7 * * 1", time_zone = "UTC" })).EnsureSuccessStatusCode();
        (await Admin.PutAsJsonAsync($"/api/schedules/{id}", new { name = "Audit me later", enabled = false, command = "update_db", cron = "0 7 * * 1", time_zone = "UTC" })).EnsureSuccessStatusCode();
        (await Admin.PutAsJsonAsync($"/api/schedules/{id}", new { name = "Audit me later", enabled = true, command = "update_db", cron = "0 7 * * 1", time_zone = "UTC" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/schedules/{id}")).StatusCode);

        Assert.Equal("Audit me", (await console.EntryAsync("schedule_created", id))["details"]!["name"]!.GetValue<string>());
        Assert.Equal("Audit me later", (await console.EntryAsync("schedule_changed", id))["details"]!["name"]!.GetValue<string>());
        Assert.Equal("false", (await console.EntryAsync("schedule_disabled", id))["details"]!["enabled"]!.GetValue<string>());
        Assert.Equal("true", (await console.EntryAsync("schedule_enabled", id))["details"]!["enabled"]!.GetValue<string>());
        Assert.Equal(AuthTestData.AdminEmail, (await console.EntryAsync("schedule_deleted", id))["actor"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhook_CreatedChangedDeleted_AreRecorded_WithTheHostButNeverTheUrl()
    {
        var created = await Admin.PostAsJsonAsync("/api/notifications/webhooks", new { name = "Ops", url = "https://hooks.example.com/T000/secret-path-token" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        (await Admin.PutAsJsonAsync($"/api/notifications/webhooks/{id}", new { name = "Ops team", enabled = false })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/notifications/webhooks/{id}")).StatusCode);

        var entry = await console.EntryAsync("webhook_created", id);
        Assert.Equal("hooks.example.com", entry["details"]!["host"]!.GetValue<string>());
        Assert.Equal("Ops team", (await console.EntryAsync("webhook_changed", id))["details"]!["name"]!.GetValue<string>());
        await console.EntryAsync("webhook_deleted", id);
        Assert.DoesNotContain("secret-path-token", await Admin.GetStringAsync("/api/audit?limit=200"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupRestored_IsRecordedWithTheBackupName()
    {
        var database = console.Factory.Services.GetRequiredService<AirsenalDatabase>();
        AirsenalDbBuilder.Sample(database.PersistentPath);
        await database.PrepareLocalAsync("audit-job", None);
        File.Delete(database.LocalPath);
        using (new AirsenalDbBuilder(database.LocalPath))
        {
        }

        await database.CompleteAsync(true, None);
        var name = database.ListBackups()[0].Name;

        (await Admin.PostAsync($"/api/database/backups/{name}/restore", null)).EnsureSuccessStatusCode();

        var entry = await console.EntryAsync("backup_restored", name);
        Assert.Equal(AuthTestData.AdminEmail, entry["actor"]!.GetValue<string>());
    }

    private async Task<JobRecord> AddJobAsync(JobStatus status, DateTimeOffset? nextAttempt = null, int retryCount = 0)
    {
        var job = new JobRecord
        {
            Id = Guid.NewGuid().ToString(),
            Command = "predict",
            Status = status,
            CreatedAt = DateTimeOffset.UtcNow,
            MaxRetries = 3,
            RetryCount = retryCount,
            NextAttemptAt = nextAttempt,
            Error = retryCount > 0 ? "exit code 1" : null,
        };
        await Storage.Jobs.InsertAsync(job, None);
        return job;
    }
}
