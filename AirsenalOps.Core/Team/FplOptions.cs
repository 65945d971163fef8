using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AirsenalOps.Core.Team;

/// <summary>Where and how the console calls the public FPL API.</summary>
public sealed record FplOptions
{
    /// <summary>FPL's API root; trailing slashes matter to FPL, so one is always added.</summary>
    [ConfigurationKeyName("FPL_API_BASE_URL")]
    [Required(AllowEmptyStrings = false, ErrorMessage = "FPL_API_BASE_URL must not be empty.")]
    [Url(ErrorMessage = "FPL_API_BASE_URL must be an absolute http(s) URL.")]
    public string BaseUrl { get; init; } = "https://fantasy.premierleague.com/api/";

    /// <summary>Time allowed for one attempt of one request.</summary>
    [ConfigurationKeyName("FPL_API_TIMEOUT_SECONDS")]
    [Range(1, 300, ErrorMessage = "FPL_API_TIMEOUT_SECONDS must be between 1 and 300.")]
    public int TimeoutSeconds { get; init; } = 10;

    /// <summary>First retry delay on 429/5xx/timeouts; it doubles per retry (three retries).</summary>
    [ConfigurationKeyName("FPL_API_RETRY_DELAY_MS")]
    [Range(1, 60_000, ErrorMessage = "FPL_API_RETRY_DELAY_MS must be between 1 and 60000.")]
    public int RetryDelayMs { get; init; } = 1000;

    /// <summary>How long bootstrap-static (about 2 MB, changes a few times a day) is reused.</summary>
    [ConfigurationKeyName("FPL_BOOTSTRAP_CACHE_SECONDS")]
    [Range(0, 86_400, ErrorMessage = "FPL_BOOTSTRAP_CACHE_SECONDS must be between 0 and 86400.")]
    public int BootstrapCacheSeconds { get; init; } = 300;

    public Uri BaseUri => new(BaseUrl.EndsWith('/') ? BaseUrl : BaseUrl + "/", UriKind.Absolute);
}
