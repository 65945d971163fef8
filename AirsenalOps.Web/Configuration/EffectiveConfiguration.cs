using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace AirsenalOps.Web.Configuration;

/// <summary>Where an effective setting came from.</summary>
public enum SettingSource
{
    Default,
    EnvironmentVariable,
    AppSettings,
    CommandLine,

    /// <summary>Any other provider (a host's own settings, such as a test host's).</summary>
    Other,

    /// <summary>Unset, so the console generated the value into a file in DATA_DIR at start and uses that.</summary>
    GeneratedFile,
}

/// <summary>
/// One setting as the console runs with it. <see cref="Value"/> is already safe to show: a secret reads
/// "set"/"not set" and a URL loses its credentials.
/// </summary>
public sealed record EffectiveSetting(string Name, string Area, string Value, SettingSource Source, bool Redacted, string? Description = null);

/// <summary>
/// Every setting the console binds from its flat variables (each <c>[ConfigurationKeyName]</c> of the options
/// records in Core and Web, found by reflection so a new setting is listed without touching this class), with
/// its effective value and where it came from. Secret values are never returned.
/// </summary>
public sealed partial class EffectiveConfiguration(IConfiguration configuration)
{
    /// <summary>Settings whose value is a secret whatever its name says.</summary>
    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "JWT_SECRET", "SECRET_KEY", "ENCRYPTION_KEY", "METRICS_TOKEN", "ADMIN_TOKEN", "APP_ADMIN_PASSWORD_HASH",
    };

    /// <summary>
    /// Keys the console generates into DATA_DIR when their variable is unset (the JWT key only in Development):
    /// such a key is in use, so "not set" would read as a fault. The file names are the generators' own.
    /// </summary>
    private static readonly Dictionary<string, string> GeneratedKeyFiles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["JWT_SECRET"] = AirsenalOps.Web.Auth.JwtOptions.SecretFileName,
        ["ENCRYPTION_KEY"] = AirsenalOps.Core.Secrets.SecretsOptions.KeyFileName,
    };

    /// <summary>Settings that are connection URLs: shown without user, password and query (which may carry credentials).</summary>
    private static readonly HashSet<string> ConnectionUrls = new(StringComparer.OrdinalIgnoreCase) { "MONGO_URL" };

    public IReadOnlyList<EffectiveSetting> List()
    {
        var settings = new List<EffectiveSetting>();
        foreach (var type in OptionsTypes)
        {
            var defaults = Activator.CreateInstance(type);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<ConfigurationKeyNameAttribute>() is not { } key)
                {
                    continue;
                }

                var (raw, source) = Find(key.Name);
                var value = raw ?? Format(property.GetValue(defaults));
                settings.Add(GeneratedKey(key.Name, Area(type), value) ?? Describe(key.Name, Area(type), value, source));
            }
        }

        return [.. settings.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).OrderBy(s => s.Area, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>The options records the console binds: every type of Core and Web with a configuration key.</summary>
    internal static IReadOnlyList<Type> OptionsTypes { get; } =
        [.. new[] { typeof(StorageOptions).Assembly, typeof(EffectiveConfiguration).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetConstructor(Type.EmptyTypes) is not null
                && t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>() is not null))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    internal static bool IsSecret(string name) =>
        SecretNames.Contains(name) || SecretLooking().IsMatch(name);

    /// <summary>A URL without its user info and query; anything that does not parse as a URL is hidden entirely.</summary>
    internal static string RedactUrl(string value)
    {
        var match = UrlParts().Match(value.Trim());
        if (!match.Success)
        {
            return "set (not shown)";
        }

        var credentials = match.Groups["user"].Success ? "***@" : string.Empty;
        var query = match.Groups["query"].Success ? "?…" : string.Empty;
        return match.Groups["scheme"].Value + credentials + match.Groups["rest"].Value + query;
    }

    /// <summary>An unset key that the console generated: named by its file (a path, never the key).</summary>
    private EffectiveSetting? GeneratedKey(string name, string area, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) || !GeneratedKeyFiles.TryGetValue(name, out var fileName))
        {
            return null;
        }

        var dataDir = Find("DATA_DIR").Value is { Length: > 0 } configured ? configured : new StorageOptions().DataDir;
        var file = Path.Combine(Path.GetFullPath(dataDir), fileName);
        return File.Exists(file) ? new EffectiveSetting(name, area, "generated: " + file, SettingSource.GeneratedFile, Redacted: true) : null;
    }

    private static EffectiveSetting Describe(string name, string area, string? value, SettingSource source)
    {
        var isSet = !string.IsNullOrWhiteSpace(value);
        if (IsSecret(name))
        {
            return new EffectiveSetting(name, area, isSet ? "set" : "not set", source, Redacted: true);
        }

        if (ConnectionUrls.Contains(name))
        {
            return new EffectiveSetting(name, area, isSet ? RedactUrl(value!) : "not set", source, Redacted: isSet);
        }

        // Any other URL may still carry user:password@ (PUBLIC_BASE_URL, FPL_API_BASE_URL): drop it.
        if (isSet && UrlParts().Match(value!.Trim()) is { Success: true } url && url.Groups["user"].Success)
        {
            return new EffectiveSetting(name, area, RedactUrl(value), source, Redacted: true);
        }

        return new EffectiveSetting(name, area, isSet ? value! : "not set", source, Redacted: false);
    }

    /// <summary>The provider that wins for <paramref name="key"/> (the last one that has it) and its raw value.</summary>
    private (string? Value, SettingSource Source) Find(string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return configuration[key] is { } value ? (value, SettingSource.Other) : (null, SettingSource.Default);
        }

        foreach (var provider in root.Providers.Reverse())
        {
            if (provider.TryGet(key, out var value) && value is not null)
            {
                return (value, provider switch
                {
                    EnvironmentVariablesConfigurationProvider => SettingSource.EnvironmentVariable,
                    JsonConfigurationProvider => SettingSource.AppSettings,
                    Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationProvider => SettingSource.CommandLine,
                    _ => SettingSource.Other,
                });
            }
        }

        return (null, SettingSource.Default);
    }

    /// <summary>"Storage" from StorageOptions, "Jwt" from JwtOptions.</summary>
    private static string Area(Type type) => type.Name.EndsWith("Options", StringComparison.Ordinal) ? type.Name[..^"Options".Length] : type.Name;

    private static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    [GeneratedRegex("(SECRET|TOKEN|PASSWORD|PASSWD|_KEY$|^KEY$|HASH|CREDENTIAL)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretLooking();

    [GeneratedRegex(@"^(?<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://)(?:(?<user>[^/?#]*)@)?(?<rest>[^?#]*)(?<query>[?#].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex UrlParts();
}
