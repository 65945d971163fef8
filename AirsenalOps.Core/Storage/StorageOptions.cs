using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Core.Storage;

/// <summary>Where the console keeps its own data. Bound from the peer's environment variables.</summary>
public sealed record StorageOptions : IValidatableObject
{
    /// <summary>MongoDB connection string; when unset the embedded SQLite store is used.</summary>
    [ConfigurationKeyName("MONGO_URL")]
    public string? MongoUrl { get; init; }

    [ConfigurationKeyName("DB_NAME")]
    public string? DatabaseName { get; init; }

    /// <summary>Folder for everything the console keeps on disk (embedded store, generated keys).</summary>
    [ConfigurationKeyName("DATA_DIR")]
    public string DataDir { get; init; } = "data";

    /// <summary>
    /// How long a write to the embedded store waits for a lock another process holds on its file (a backup tool, an
    /// sqlite3 shell) before the request is answered 503: a bound, so the API never hangs for as long as the lock is held.
    /// </summary>
    [ConfigurationKeyName("SQLITE_BUSY_TIMEOUT_SECONDS")]
    [Range(1, 120, ErrorMessage = "SQLITE_BUSY_TIMEOUT_SECONDS must be between 1 and 120.")]
    public int SqliteBusyTimeoutSeconds { get; init; } = 5;

    public bool UseMongo => !string.IsNullOrWhiteSpace(MongoUrl);

    public string DataDirFullPath => Path.GetFullPath(DataDir);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UseMongo && string.IsNullOrWhiteSpace(DatabaseName))
        {
            yield return new ValidationResult("DB_NAME must be set when MONGO_URL is set.", ["DB_NAME"]);
        }

        if (UseMongo && !MongoUrl!.StartsWith("mongodb://", StringComparison.Ordinal)
            && !MongoUrl.StartsWith("mongodb+srv://", StringComparison.Ordinal))
        {
            yield return new ValidationResult("MONGO_URL must start with mongodb:// or mongodb+srv://.", ["MONGO_URL"]);
        }

        if (string.IsNullOrWhiteSpace(DataDir))
        {
            yield return new ValidationResult("DATA_DIR must not be empty.", ["DATA_DIR"]);
        }
    }
}
