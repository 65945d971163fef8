namespace AirsenalOps.Core.Storage;

/// <summary>Which stream a log line came from.</summary>
public enum LogSource
{
    Stdout,
    Stderr,

    /// <summary>Written by the console itself (start, exit code, retries).</summary>
    System,
}

/// <summary>One stored line of a job's log. <see cref="Seq"/> starts at 1 and has no gaps per job.</summary>
public sealed record LogLine(long Seq, DateTimeOffset Time, LogSource Source, string Text);
