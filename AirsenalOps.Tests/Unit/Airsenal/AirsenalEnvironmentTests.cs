using AirsenalOps.Core.Airsenal;
using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Integration.Team;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Tests.Unit.Airsenal;

public sealed class AirsenalEnvironmentTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly AirsenalDatabase _database;
    private readonly AirsenalEnvironment _environment;

    public AirsenalEnvironmentTests()
    {
        var options = Options.Create(new AirsenalOptions { PersistentDbPath = _dir.File("airsenal/data.db"), LocalDbPath = _dir.File("local.db"), BinDir = _dir.Path });
        _database = new AirsenalDatabase(options, TimeProvider.System, MemoryAuditStore.NewLog(TimeProvider.System));
        var catalogue = new CommandCatalogue(AirsenalCommands.Build(_database, options, TimeProvider.System));
        _environment = new AirsenalEnvironment(new AirsenalCli(options), _database, new StaticSecrets(new Dictionary<string, string> { ["FPL_TEAM_ID"] = "1" }), catalogue,
            Options.Create(new StorageOptions { DataDir = _dir.Path }));
    }

    [Fact]
    public void SecretsNeeded_ComeFromTheCataloguesHooks()
    {
        var needed = _environment.SecretsNeeded();

        Assert.Equal(["update_db", "optimize", "pipeline", "make_transfers", "set_lineup"], needed["FPL_TEAM_ID"].Select(c => c.Name));
        Assert.Equal(["make_transfers", "set_lineup"], needed["FPL_LOGIN"].Select(c => c.Name));
        Assert.Equal(["FPL_LOGIN", "FPL_PASSWORD", "FPL_TEAM_ID"], needed.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Checks_ReportASetSecretAsOk_AndTheFreeSpaceWhereTheDataLives()
    {
        var checks = await _environment.CheckAsync(CancellationToken.None);

        Assert.Equal(CheckState.Ok, checks.Single(c => c.Id == "secret-FPL_TEAM_ID").State);
        Assert.Equal(CheckState.Warning, checks.Single(c => c.Id == "secret-FPL_PASSWORD").State);
        var disk = Assert.Single(_environment.DiskSpaces());
        Assert.True(disk.FreeBytes > 0 && disk.TotalBytes >= disk.FreeBytes);
        Assert.Contains(checks, c => c.Id == "disk-" + disk.MountPoint && c.Detail.Contains(disk.Folder, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(512L, "512 B")]
    [InlineData(2048L, "2.0 KB")]
    [InlineData(5L * 1024 * 1024 + 512 * 1024, "5.5 MB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.0 GB")]
    public void Bytes_ReadAsUnits(long bytes, string text) => Assert.Equal(text, AirsenalEnvironment.FormatBytes(bytes));

    public void Dispose()
    {
        _database.Dispose();
        _dir.Dispose();
    }
}
