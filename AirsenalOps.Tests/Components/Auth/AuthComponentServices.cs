using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;
using AirsenalOps.Core.Storage.Sqlite;
using AirsenalOps.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Tests.Components.Auth;

/// <summary>The real secrets and admin services on a throwaway embedded store, for component tests.</summary>
internal sealed class AuthComponentServices : IDisposable
{
    private readonly TempDirectory _data = new();

    public AuthComponentServices(AdminOptions? environmentAdmin = null)
    {
        Storage = new SqliteStorage(_data.File("test.db"));
        Storage.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        var cipher = new SecretCipher(TimeProvider.System);
        cipher.Use(FernetKey.Parse(FernetKey.Generate()));
        Audit = new AuditLog(Storage.Audit, TimeProvider.System, NullLogger<AuditLog>.Instance);
        Secrets = new SecretsService(Storage, cipher, TimeProvider.System, Audit, NullLogger<SecretsService>.Instance);
        Admin = new AdminAccount(Options.Create(environmentAdmin ?? new AdminOptions()), Secrets, new PasswordHasher(4), TimeProvider.System, Audit, NullLogger<AdminAccount>.Instance);
    }

    public SqliteStorage Storage { get; }

    public AuditLog Audit { get; }

    public SecretsService Secrets { get; }

    public AdminAccount Admin { get; }

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<IStorage>(Storage);
        services.AddSingleton(Secrets);
        services.AddSingleton(Admin);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new FirstRunSetup(NullLogger<FirstRunSetup>.Instance));
    }

    public void Dispose()
    {
        Admin.Dispose();
        _data.Dispose();
    }
}
