namespace AirsenalOps.Core.Secrets;

/// <summary>
/// Which stored secrets may become environment variables of a job. Every secret is copied into the
/// environment of an AIrsenal process, so a key that a loader, an interpreter or a shell reads
/// (<c>LD_PRELOAD</c>, <c>PYTHONSTARTUP</c>, <c>BASH_ENV</c>, <c>PATH</c>, <c>BROWSER</c>...) would turn
/// whoever can write a secret into whoever runs commands on the host. AIrsenal's own settings always pass;
/// any other key must read as plain data: two or more words (<c>MY_SETTING</c>), no word that names a tool
/// or a program's start-up, no last word that names a path, option or command.
/// </summary>
public static class JobSecretPolicy
{
    /// <summary>The settings AIrsenal itself reads from its environment (airsenal-reference.md).</summary>
    public static IReadOnlyList<string> AirsenalKeys { get; } =
    [
        SecretKeys.FplTeamId, SecretKeys.FplLogin, SecretKeys.FplPassword, SecretKeys.FplLeagueId, SecretKeys.AirsenalHome,
        "AIRSENAL_DB_FILE", "AIRSENAL_DB_URI", "AIRSENAL_DB_USER", "AIRSENAL_DB_PASSWORD", "DISCORD_WEBHOOK",
    ];

    // First words of variables that programs on a Linux host read as code, a search path or a switch.
    private static readonly string[] RefusedPrefixes =
    [
        "LD_", "DYLD_", "PY", "PERL", "RUBY", "GEM_", "NODE_", "NPM_", "JAVA", "JDK_", "JRE_", "BASH", "ZSH", "KSH",
        "SHELL", "GIT_", "SSL_", "OPENSSL_", "CURL_", "REQUESTS_", "HTTP_", "HTTPS_", "ALL_PROXY", "NO_PROXY", "UV_",
        "PIP_", "CONDA", "PYENV", "VIRTUAL_ENV", "XDG_", "LC_", "LANG", "GLIBC_", "MALLOC_", "GCONV", "GETCONF",
        "NLSPATH", "HOSTALIASES", "RES_", "LOCALDOMAIN", "TZ", "TMP", "TEMP", "HOME", "PATH", "IFS", "ENV", "CDPATH",
        "PS4", "PROMPT_COMMAND", "SSH_", "GNUPG", "GPG_", "MPL", "MATPLOTLIB", "QT_", "OMP_", "MKL_", "OPENBLAS_",
        "NUMBA_", "JAX_", "XLA_", "TF_", "TORCH", "CUDA", "DOTNET_", "ASPNETCORE_", "COREHOST", "APP_", "JWT_",
        "ENCRYPTION_", "MONGO_", "DB_", "DATA_DIR", "AIRSENALOPS_", "COVERAGE_", "SQLITE", "TERM", "EDITOR", "VISUAL",
        "PAGER", "LESS", "MANPAGER", "BROWSER", "DISPLAY", "WAYLAND_", "DBUS_", "SYSTEMD_", "NOTIFY_SOCKET",
    ];

    // Last words that make a value a location, a command or extra arguments for some program.
    private static readonly string[] RefusedSuffixes =
    [
        "_PATH", "_HOME", "_DIR", "_DIRS", "_FILE", "_LIB", "_LIBS", "_LIBRARY", "_OPTIONS", "_OPTS", "_FLAGS", "_ARGS",
        "_CONF", "_CONFIG", "_COMMAND", "_CMD", "_ENV", "_PRELOAD", "_PROXY", "_BUNDLE", "_CERT", "_CERTS", "_STARTUP",
        "_ROOT", "_PREFIX", "_TUNABLES", "_ADDOPTS", "_HOOK", "_HOOKS", "_PLUGINS", "_MODULES", "_EXEC", "_PROGRAM",
        "_SHELL", "_INIT", "_RC", "_",
    ];

    /// <summary>Null when <paramref name="key"/> may reach a job, else why not (said to the user as it is).</summary>
    public static string? Refusal(string key)
    {
        if (AirsenalKeys.Contains(key, StringComparer.Ordinal))
        {
            return null;
        }

        if (!key.Contains('_', StringComparison.Ordinal))
        {
            return $"{key} is a single word, the shape of the variables a shell, a loader or Python read (PATH, BROWSER, PYTHONPATH), so a job never gets it: name your own setting with two words or more, like MY_{key}.";
        }

        if (RefusedPrefixes.FirstOrDefault(p => key.StartsWith(p, StringComparison.Ordinal)) is { } prefix)
        {
            return $"{key} starts with {prefix}, which programs on the host read as code, a search path or a switch: a job never gets it.";
        }

        if (RefusedSuffixes.FirstOrDefault(s => key.EndsWith(s, StringComparison.Ordinal)) is { } suffix)
        {
            return $"{key} ends with {suffix}, which names a location, a command or options for a program: a job never gets it.";
        }

        return null;
    }

    public static bool MayReachJob(string key) => Refusal(key) is null;
}
