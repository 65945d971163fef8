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
