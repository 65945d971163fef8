using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>
/// Issue 13.1: a stored secret used to become any environment variable of a job, so whoever could write a
/// secret could run commands on the host (PYTHONWARNINGS makes Python import antigravity, which opens
/// BROWSER through a shell). Keys stored before the policy must not reach a job; new ones are refused.
/// </summary>
public sealed class JobSecretPolicyTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly JobsFactory _factory;
    private readonly string _proof;

    public JobSecretPolicyTests()
    {
        _proof = Path.Combine(_dir.Path, "pwned");
        var stored = new Dictionary<string, string>
        {
            // As an older console (or this one before the policy) could have stored them.
            ["PYTHONWARNINGS"] = "all:0:antigravity.x:0:0",
            ["BROWSER"] = $"/bin/sh -c 'echo ran > {_proof}' #%s",
            ["BASH_ENV"] = "/dev/null",
            ["PATH"] = "/nowhere",
            ["MY_SETTING"] = "plain-data-value",
            ["FPL_TEAM_ID"] = "1234567",
        };
        _factory = new JobsFactory(services: s => s.AddSingleton<ISecretReader>(new FixedSecrets(stored)));
    }

    public void Dispose()
    {
        _factory.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task StoredInterpreterAndShellKeys_NeverReachAJob_ButDataKeysDo()
    {
        var job = await _factory.Jobs.CreateAsync("env", new JsonObject { ["var"] = "PYTHONWARNINGS" }, CancellationToken.None);
        var done = await _factory.WaitForFinishAsync(job.Id);
        var data = await _factory.Jobs.CreateAsync("env", new JsonObject { ["var"] = "MY_SETTING" }, CancellationToken.None);
        var dataDone = await _factory.WaitForFinishAsync(data.Id);
        var path = await _factory.Jobs.CreateAsync("env", new JsonObject { ["var"] = "PATH" }, CancellationToken.None);
        await _factory.WaitForFinishAsync(path.Id);

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.False(File.Exists(_proof), "the BROWSER command ran: a stored secret reached the job's Python");
        Assert.Contains("PYTHONWARNINGS=<unset>", (await _factory.AllLinesAsync(job.Id)).Select(l => l.Text));
        Assert.Equal(JobStatus.Completed, dataDone.Status);
        // A data key reaches the job (not a credential by its name, so not masked).
        Assert.Contains("MY_SETTING=plain-data-value", (await _factory.AllLinesAsync(data.Id)).Select(l => l.Text));
        var pathLine = Assert.Single(await _factory.AllLinesAsync(path.Id), l => l.Text.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.DoesNotContain("/nowhere", pathLine.Text, StringComparison.Ordinal);
        Assert.NotEqual("PATH=<unset>", pathLine.Text);
    }

    [Theory]
    [InlineData("PYTHONWARNINGS")]
    [InlineData("BROWSER")]
    [InlineData("LD_PRELOAD")]
    [InlineData("PYTHONPATH")]
    [InlineData("PYTHONSTARTUP")]
    [InlineData("BASH_ENV")]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("GIT_SSH_COMMAND")]
    [InlineData("MY_TOOL_OPTIONS")]
    public async Task PostingAnInterpreterOrShellKey_Is422WithWhy(string key)
    {
        using var client = await _factory.AdminClientAsync();

        var response = await client.PostAsJsonAsync(new Uri("/api/secrets", UriKind.Relative), new { key, value = "x" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains(key, detail, StringComparison.Ordinal);
        Assert.Contains("job", detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("APP_ADMIN_PASSWORD_HASH", "$2b$12$KnMqjSoKhN8YyiGNqn7FdeCu4yzftzXdQzcXelBuSrkHRItekT60q")]
    [InlineData("APP_ADMIN_EMAIL", "attacker@example.com")]
    public async Task TheAdminKeys_AreNotWritableOrDeletableThroughTheApi(string key, string value)
    {
        using var client = await _factory.AdminClientAsync();

        var written = await client.PostAsJsonAsync(new Uri("/api/secrets", UriKind.Relative), new { key, value });
        var deleted = await client.DeleteAsync(new Uri("/api/secrets/" + key, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, written.StatusCode);
        Assert.Contains("current", (await written.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, deleted.StatusCode);
        // The admin still signs in with the old password.
        Assert.False(string.IsNullOrEmpty(await AuthTestData.LoginAsync(_factory.CreateClient())));
    }

    [Theory]
    [InlineData("MY_SETTING")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("FPL_LOGIN")]
    [InlineData("AIRSENAL_HOME")]
    [InlineData("AIRSENAL_DB_FILE")]
    public void DataAndAirsenalKeys_MayReachAJob(string key) => Assert.Null(JobSecretPolicy.Refusal(key));

    private sealed class FixedSecrets(IReadOnlyDictionary<string, string> values) : ISecretReader
    {
        public Task<IReadOnlyDictionary<string, string>> ReadAllAsync(CancellationToken cancellationToken) => Task.FromResult(values);
    }
}
