namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>A known failure or silent no-op, and what to do about it.</summary>
public sealed record FailureHint(string Code, string Hint, bool FailsJob);

/// <summary>
/// Known texts from AIrsenal (reference §2, §2.12): several exit 0 although nothing happened, so their
/// text is the only signal; others fail with a traceback whose cause the user should not have to decode.
/// </summary>
public static class FailureHints
{
    private static readonly (string Text, FailureHint Hint)[] Known =
    [
        ("Database does not contain predictions for all the specified optim",
            new("missing_predictions", "There are no predictions for the optimisation gameweeks: run predict with the same weeks_ahead (or gameweek range) first, then optimize again.", true)),
        ("No predicted points in database",
            new("missing_predictions", "The database holds no predictions yet: run predict first.", true)),
        // SQLite's SQLITE_FULL as Python words it: AIrsenal's working copy (LOCAL_DB_PATH) ran out of space.
        ("database or disk is full",
            new("disk_full", "The disk holding AIrsenal's working copy of the database (LOCAL_DB_PATH) is full: free some space there and run the job again. The persistent database was not changed.", true)),
        // sqlite3.OperationalError as SQLAlchemy prints it, e.g. "no such column: player.display_name" after an upgrade.
        ("no such column",
            new("schema_outdated", "The database was made by an older AIrsenal and lacks a column the installed version needs: run setup_db with clean to rebuild it.", true)),
        ("no such table",
            new("schema_missing", "AIrsenal's database has no tables (an empty or foreign file): run setup_db to build it.", true)),
        ("AIrsenal database already exists",
            new("database_exists", "setup_db did nothing because the database already exists: run update_db, or setup_db with clean to rebuild it from scratch.", true)),
        ("Database is empty, run 'airsenal_setup_initial_db' first",
            new("database_empty", "The AIrsenal database is empty: run setup_db first.", true)),
        ("more players in DB than API",
            new("database_inconsistent", "The database has more players than the FPL API (usually a new season on an old database): run setup_db with clean.", true)),
        // Printed on stderr after the cause's UserWarning; the run goes on. After "Credentials not provided." it only
        // means no login was set (the console answered the prompt itself), which Find skips.
        ("Login failed due to the error above",
            new(LoginFailedCode, "FPL login failed (AIrsenal went on without it, estimating free transfers and bank): check the FPL_LOGIN (email) and FPL_PASSWORD secrets. FPL changes its login flow now and then, so an AIrsenal upgrade may be needed.", false)),
        ("Login failed",
            new(LoginFailedCode, "FPL login failed: check the FPL_LOGIN (email) and FPL_PASSWORD secrets. FPL changes its login flow now and then, so an AIrsenal upgrade may be needed; without login AIrsenal estimates free transfers and bank.", false)),
        ("No transfer suggestions found",
            new("no_suggestions", "There are no transfer suggestions for the next gameweek: run optimize first (make_transfers exits 0 without changing anything).", true)),
        ("FPL team ID must be specified",
            new("missing_team_id", "Set the FPL_TEAM_ID secret (your FPL team number).", true)),
        ("FPL Team ID not provided",
            new("missing_team_id", "Set the FPL_TEAM_ID secret (your FPL team number).", true)),
        ("FPL_TEAM_ID and FPL_LEAGUE_ID must be valid integers",
            new("bad_team_id", "FPL_TEAM_ID (and FPL_LEAGUE_ID, if set) must be plain integers: fix the FPL_TEAM_ID secret or the file in AIRSENAL_HOME.", true)),
        ("invalid literal for int() with base 10",
            new("bad_team_id", "A numeric AIrsenal setting is not a number: FPL_TEAM_ID (and FPL_LEAGUE_ID) must be plain integers.", true)),
        // RuntimeError at import (1.15): the console always sets AIRSENAL_DB_FILE, so a URI set anywhere conflicts.
        ("Please choose only ONE of AIRSENAL_DB_FILE and AIRSENAL_DB_URI",
            new("db_uri_conflict", "AIrsenal has both AIRSENAL_DB_FILE (set by the console) and AIRSENAL_DB_URI: remove AIRSENAL_DB_URI from the environment or from AIRSENAL_HOME (airsenal_env del -k AIRSENAL_DB_URI). Retrying cannot help.", true)),
        // requests' HTTPError text, as AIrsenal prints it for FPL's other refusals ("403 Client Error: Forbidden for url: ...").
        ("429 Client Error",
            new("rate_limited", "FPL is rate limiting this machine (HTTP 429 Too Many Requests): wait a few minutes, then run the job again.", false)),
        ("Too Many Requests",
            new("rate_limited", "FPL is rate limiting this machine (HTTP 429 Too Many Requests): wait a few minutes, then run the job again.", false)),
        ("Database updated failed",
            new("update_failed", "The database update hit a network error (often HTTP 429 rate limiting by FPL): wait a few minutes and run it again.", false)),
        ("Something went wrong when making transfers",
            new("transfers_failed", "FPL rejected the transfers: check the team on the FPL site, the FPL_LOGIN/FPL_PASSWORD secrets, and run optimize again before retrying.", true)),
        ("Something went wrong when setting lineup",
            new("lineup_failed", "FPL rejected the lineup: check the FPL_LOGIN/FPL_PASSWORD secrets and the team on the FPL site.", true)),
    ];

    /// <summary>The login warning's code: a failure with credentials, not the "no credentials" fallback.</summary>
    public const string LoginFailedCode = "login_failed";

    /// <summary>How many lines back the cause of "Login failed due to the error above" is looked for.</summary>
    private const int LoginCauseLookback = 3;

    /// <summary>The first known failure in the output (most specific first), or null.</summary>
    public static FailureHint? Find(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        FailureHint? soft = null;
        var recent = new Queue<string>();
        foreach (var line in lines)
        {
            var hint = Match(line);
            var noCredentials = hint?.Code == LoginFailedCode && recent.Any(l => l.Contains("Credentials not provided", StringComparison.Ordinal));
            recent.Enqueue(line);
            if (recent.Count > LoginCauseLookback)
            {
                recent.Dequeue();
            }

            if (hint is null || noCredentials)
            {
                // Without FPL_LOGIN AIrsenal warns "Credentials not provided." then "Login failed ...": that is the
                // expected path when the console declined the login prompt, not a failure.
                continue;
            }

            if (hint.FailsJob)
            {
                return hint;
            }

            soft ??= hint;
        }

        return soft;
    }

    /// <summary>The hint for one line, or null.</summary>
    public static FailureHint? Match(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        foreach (var (text, hint) in Known)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return hint;
            }
        }

        return null;
    }
}

/// <summary>The line of a Python traceback that says what went wrong: the exception and its message.</summary>
public static partial class PythonTraceback
{
    /// <summary>
    /// The exception line of the last traceback in the output ("RuntimeError: Please choose only ONE of ..."), or null
    /// when there is none. With chained exceptions the last one is the one that ended the process.
    /// </summary>
    public static string? LastException(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        string? found = null;
        var inTraceback = false;
        foreach (var raw in lines)
        {
            var line = AirsenalOps.Core.Jobs.Ansi.Strip(raw).TrimEnd();
            if (line.StartsWith("Traceback (most recent call last):", StringComparison.Ordinal))
            {
                inTraceback = true;
                continue;
            }

            // Frames and source lines are indented; the exception line is the first one that is not.
            if (inTraceback && line.Length > 0 && !char.IsWhiteSpace(line[0]) && ExceptionLine().IsMatch(line))
            {
                found = line;
                inTraceback = false;
            }
        }

        return found;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Timeout|timeout|gaierror|Warning)(:|$)", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ExceptionLine();
}

/// <summary>A stdin prompt that would make a job wait forever, and the message that fails it fast.</summary>
public sealed record PromptHit(string Prompt, string? MissingSecret, string Message);

/// <summary>
/// Interactive prompts (reference §2.11). The runner passes credentials and --confirm so none should
/// appear; if one does, the job must fail at once naming what is missing rather than hang.
/// </summary>
public static class PromptDetector
{
    private static readonly (string Text, string? Secret, string Message)[] Prompts =
    [
        ("Would you like to login to the FPL API?", "FPL_LOGIN",
            "AIrsenal asked for an FPL login: set both the FPL_LOGIN and FPL_PASSWORD secrets."),
        ("Please enter FPL login", "FPL_LOGIN",
            "AIrsenal asked for an FPL login: set both the FPL_LOGIN and FPL_PASSWORD secrets."),
        ("Please enter FPL team ID", "FPL_TEAM_ID",
            "AIrsenal asked for the FPL team ID: set the FPL_TEAM_ID secret."),
        ("Would you like to store these credentials", "FPL_PASSWORD",
            "AIrsenal asked to store credentials: set both the FPL_LOGIN and FPL_PASSWORD secrets."),
        ("Apply Transfers? There is no turning back!", null,
            "make_transfers asked for confirmation: run it with confirm set to true."),
        ("Apply changes to lineup?", null,
            "set_lineup asked for confirmation: run it with confirm set to true."),
        ("Do you want to continue? [y/n]", null,
            "The pipeline's database update failed (often FPL rate limiting, HTTP 429) and it asked whether to continue: run update_db later, then the pipeline again."),
    ];

    /// <summary>The prompt in this (possibly partial, unterminated) line, or null.</summary>
    public static PromptHit? Detect(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        foreach (var (text, secret, message) in Prompts)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return new PromptHit(text, secret, message);
            }
        }

        return null;
    }
}
