using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Core.Airsenal;

/// <summary>Where AIrsenal's CLI and its SQLite database are.</summary>
public sealed record AirsenalOptions
{
    /// <summary>Folder holding the airsenal_* executables; when unset they are looked up on PATH.</summary>
    [ConfigurationKeyName("AIRSENAL_BIN_DIR")]
    public string? BinDir { get; init; }

    /// <summary>The durable copy of AIrsenal's database.</summary>
    [ConfigurationKeyName("PERSISTENT_DB_PATH")]
    [Required(AllowEmptyStrings = false, ErrorMessage = "PERSISTENT_DB_PATH must not be empty.")]
    public string PersistentDbPath { get; init; } = "/data/airsenal/data.db";

    /// <summary>The working copy a job runs on.</summary>
    [ConfigurationKeyName("LOCAL_DB_PATH")]
    [Required(AllowEmptyStrings = false, ErrorMessage = "LOCAL_DB_PATH must not be empty.")]
    public string LocalDbPath { get; init; } = "/tmp/airsenal.db";

    /// <summary>
    /// AIrsenal's home folder for jobs (its config files and the optimiser's strategy files). The FPL secret
    /// AIRSENAL_HOME wins over this; when both are unset a "home" folder next to PERSISTENT_DB_PATH is used.
    /// </summary>
    [ConfigurationKeyName("AIRSENAL_HOME")]
    public string? Home { get; init; }

    /// <summary>How many dated copies of the persistent database to keep (each successful job makes one).</summary>
    [ConfigurationKeyName("DB_BACKUPS")]
    [Range(0, 1000, ErrorMessage = "DB_BACKUPS must be between 0 and 1000.")]
    public int DbBackups { get; init; } = 5;
}
