using AirsenalOps.Core.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The embedded database's file name inside DATA_DIR.</summary>
    public const string EmbeddedDatabaseFile = "airsenalops.db";

    /// <summary>Registers the store chosen by configuration: MongoDB when MONGO_URL is set, else embedded SQLite.</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<StorageOptions>(builder.Configuration);
        builder.Services.AddSingleton<IStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.UseMongo
                ? new Mongo.MongoStorage(options.MongoUrl!, options.DatabaseName!)
                : new SqliteStorage(Path.Combine(options.DataDirFullPath, EmbeddedDatabaseFile));
        });
        builder.Services.AddHostedService<StorageInitializer>();
        return builder;
    }
}

/// <summary>Creates tables and indexes before anything else starts (hosted services start in order).</summary>
internal sealed class StorageInitializer(IStorage storage) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => storage.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
