using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AirsenalOps.Core;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Auth;

public sealed class SecretsApiTests : IDisposable
{
    private static readonly JsonElement PythonTokens = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "fernet", "vectors.json"))).RootElement.GetProperty("python_tokens");

    private readonly ConsoleFactory _factory = new(AuthTestData.Settings());

    private IStorage Storage => _factory.Services.GetRequiredService<IStorage>();

    [Fact]
    public async Task List_ShowsTheKnownKeysAsNotSet_AndTheAdminKeys()
    {
        var client = _factory.Authorized(await AuthTestData.LoginAsync(_factory.CreateClient()));

        var secrets = await client.GetFromJsonAsync<JsonElement[]>(new Uri("/api/secrets", UriKind.Relative));

        var keys = secrets!.Select(s => s.GetProperty("key").GetString()).ToList();
        Assert.Equal(["FPL_TEAM_ID", "FPL_LOGIN", "FPL_PASSWORD", "FPL_LEAGUE_ID", "AIRSENAL_HOME", "APP_ADMIN_EMAIL", "APP_ADMIN_PASSWORD_HASH"], keys);
        Assert.All(secrets!, s =>
        {
            Assert.False(s.GetProperty("is_set").GetBoolean());
            Assert.Equal(string.Empty, s.GetProperty("masked_value").GetString());
        });
    }

    [Fact]
    public async Task Upsert_StoresAFernetToken_AndTheApiNeverReturnsTheValue()
    {
        var client = _factory.Authorized(await AuthTestData.LoginAsync(_factory.CreateClient()));

        var saved = await client.PostAsJsonAsync(new Uri("/api/secrets", UriKind.Relative), new { key = "FPL_PASSWORD", value = "hunter2-very-secret" });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var savedBody = await saved.Content.ReadAsStringAsync();
        Assert.Contains("\"success\":true", savedBody, StringComparison.Ordinal);

        var list = await client.GetAsync(new Uri("/api/secrets", UriKind.Relative));
        var text = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        var entry = JsonDocument.Parse(text).RootElement.EnumerateArray().Single(s => s.GetProperty("key").GetString() == "FPL_PASSWORD");
        Assert.True(entry.GetProperty("is_set").GetBoolean());
        Assert.Equal("***", entry.GetProperty("masked_value").GetString());
        Assert.Equal(JsonValueKind.String, entry.GetProperty("updated_at").ValueKind);

        var stored = await Storage.Secrets.GetAsync("FPL_PASSWORD", CancellationToken.None);
        Assert.True(Fernet.LooksLikeToken(stored!.Value));
        Assert.Equal("hunter2-very-secret", Fernet.DecryptString(FernetKey.Parse(AuthTestData.EncryptionKey), stored.Value, DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData("lower_case", "x", "upper-case")]
    [InlineData("FPL_TEAM_ID", "abc", "positive whole number")]
    [InlineData("FPL_TEAM_ID", "-3", "positive whole number")]
    [InlineData(null, "x", "upper-case")]
    [InlineData("FPL_LOGIN", null, "needs a value")]
    public async Task Upsert_RefusesBadInput_422WithDetail(string? key, string? value, string expected)
    {
        var client = _factory.Authorized(await AuthTestData.LoginAsync(_factory.CreateClient()));

        var response = await client.PostAsJsonAsync(new Uri("/api/secrets", UriKind.Relative), new { key, value });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(expected, await AuthTestData.DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upsert_RefusesAValueOver4KB_422()
    {
        var client = _factory.Authorized(await AuthTestData.LoginAsync(_factory.CreateClient()));

        var response = await client.PostAsJsonAsync(new Uri("/api/secrets", UriKind.Relative), new { key = "BIG", value = new string('x', 4097) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Delete_RemovesTheSecret_ThenAnswers404()
    {
        var client = _factory.Authorized(await AuthTestData.LoginAsync(_factory.CreateClient()));
        await client.PostAsJsonAsync(new Uri("/api/secrets", UriKind.Relative), new { key = "FPL_TEAM_ID", value = "42" });

        var first = await client.DeleteAsync(new Uri("/api/secrets/FPL_TEAM_ID", UriKind.Relative));
        var second = await client.DeleteAsync(new Uri("/api/secrets/FPL_TEAM_ID", UriKind.Relative));
        var bad = await client.DeleteAsync(new Uri("/api/secrets/bad-key", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Null(await Storage.Secrets.GetAsync("FPL_TEAM_ID", CancellationToken.None));
    }

    [Fact]
    public async Task TokensWrittenByPythonFernet_AreReadWithTheSameKey()
    {
        var key = PythonTokens[0].GetProperty("secret").GetString();
        using var factory = new ConsoleFactory(AuthTestData.Settings(("ENCRYPTION_KEY", key)));
        var storage = factory.Services.GetRequiredService<IStorage>();
        var names = new[] { "FPL_TEAM_ID", "FPL_LOGIN", "FPL_PASSWORD", "OTHER_HASH" };
        for (var i = 0; i < names.Length; i++)
        {
            await storage.Secrets.UpsertAsync(new SecretRecord(names[i], PythonTokens[i].GetProperty("token").GetString()!, DateTimeOffset.UtcNow), CancellationToken.None);
        }

        var values = await factory.Services.GetRequiredService<ISecretReader>().ReadAllAsync(CancellationToken.None);

        for (var i = 0; i < names.Length; i++)
        {
            Assert.Equal(PythonTokens[i].GetProperty("src").GetString(), values[names[i]]);
        }
    }

    [Fact]
    public async Task LegacyPlainValues_AreRead_AndEncryptedOnTheNextWrite()
    {
        await Storage.Secrets.UpsertAsync(new SecretRecord("FPL_LOGIN", "legacy@example.com", null), CancellationToken.None);
        var secrets = _factory.Services.GetRequiredService<SecretsService>();

        Assert.Equal("legacy@example.com", (await secrets.ReadAllAsync(CancellationToken.None))["FPL_LOGIN"]);
        Assert.True((await secrets.ListAsync(CancellationToken.None)).Single(s => s.Key == "FPL_LOGIN").IsSet);

        await secrets.SetAsync("FPL_LOGIN", "new@example.com", CancellationToken.None);

        var stored = await Storage.Secrets.GetAsync("FPL_LOGIN", CancellationToken.None);
        Assert.True(Fernet.LooksLikeToken(stored!.Value));
        Assert.Equal("new@example.com", await secrets.GetAsync("FPL_LOGIN", CancellationToken.None));
    }

    [Fact]
    public async Task ReadAll_LeavesOutTheAdminKeys()
    {
        var secrets = _factory.Services.GetRequiredService<SecretsService>();
        await secrets.SetAsync("APP_ADMIN_EMAIL", "someone@example.com", CancellationToken.None);
        await secrets.SetAsync("FPL_TEAM_ID", "7", CancellationToken.None);

        var all = await secrets.ReadAllAsync(CancellationToken.None);

        Assert.Equal("7", all["FPL_TEAM_ID"]);
        Assert.False(all.ContainsKey("APP_ADMIN_EMAIL"));
    }

    [Fact]
    public async Task WithoutEncryptionKey_AKeyIsGeneratedOnceIntoDataDir_OwnerOnly_AndReusedAfterRestart()
    {
        using var data = new TempDirectory();
        var settings = AuthTestData.Settings(("ENCRYPTION_KEY", null), ("DATA_DIR", data.Path));
        using (var first = new ConsoleFactory(settings))
        {
            await first.Services.GetRequiredService<SecretsService>().SetAsync("FPL_PASSWORD", "kept across restarts", CancellationToken.None);
        }

        var keyFile = data.File("encryption.key");
        Assert.True(File.Exists(keyFile));
        Assert.True(FernetKey.TryParse(File.ReadAllText(keyFile).Trim(), out _));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        using var second = new ConsoleFactory(settings);
        Assert.Equal("kept across restarts", await second.Services.GetRequiredService<SecretsService>().GetAsync("FPL_PASSWORD", CancellationToken.None));
    }

    [Fact]
    public async Task EncryptedSecretsWithoutTheirKey_StopTheStart_InsteadOfGeneratingANewKey()
    {
        using var data = new TempDirectory();
        using (var first = new ConsoleFactory(AuthTestData.Settings(("DATA_DIR", data.Path))))
        {
            await first.Services.GetRequiredService<SecretsService>().SetAsync("FPL_PASSWORD", "precious", CancellationToken.None);
        }

        // Program prints the ConfigurationException as one line and exits, so the factory sees a host that never started.
        using var missing = new ConsoleFactory(AuthTestData.Settings(("ENCRYPTION_KEY", null), ("DATA_DIR", data.Path)));
        Assert.ThrowsAny<Exception>(() => missing.CreateClient());
        Assert.False(File.Exists(data.File("encryption.key")));

        var storage = new AirsenalOps.Core.Storage.Sqlite.SqliteStorage(data.File(StorageServiceCollectionExtensions.EmbeddedDatabaseFile));
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Initializer(storage, data.Path, null).StartAsync(CancellationToken.None));
        Assert.Contains("ENCRYPTION_KEY is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("FPL_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(data.File("encryption.key")));

        error = await Assert.ThrowsAsync<ConfigurationException>(() => Initializer(storage, data.Path, FernetKey.Generate()).StartAsync(CancellationToken.None));
        Assert.Contains("cannot decrypt", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("precious", error.Message, StringComparison.Ordinal);
        Assert.Equal("Configuration error: " + error.Message, AirsenalOps.Web.Configuration.StartupErrors.Describe(new AggregateException(error)));

        await Initializer(storage, data.Path, AuthTestData.EncryptionKey).StartAsync(CancellationToken.None);
    }

    private static SecretsInitializer Initializer(IStorage storage, string dataDir, string? key) => new(
        storage,
        new SecretCipher(TimeProvider.System),
        Microsoft.Extensions.Options.Options.Create(new SecretsOptions { EncryptionKey = key }),
        Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDir = dataDir }),
        TimeProvider.System,
        Microsoft.Extensions.Logging.Abstractions.NullLogger<SecretsInitializer>.Instance);

    public void Dispose() => _factory.Dispose();
}
