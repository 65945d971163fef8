using System.Globalization;
using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>
/// One tqdm bar reading: its description, percent, counts and the remaining time tqdm estimates. The counts can
/// be fractions: the optimiser's worker bars advance by 100/n (`87.61904761904742/100`).
/// </summary>
public sealed record ProgressReading(string Description, double Percent, double Done, double Total, TimeSpan? Elapsed, TimeSpan? Remaining)
{
    /// <summary>The ETA at <paramref name="now"/>, or null while tqdm shows "?".</summary>
    public DateTimeOffset? EtaFrom(DateTimeOffset now) => Remaining is { } left ? now + left : null;
}

/// <summary>Reads tqdm bars such as `Total progress:  45%|████▌     | 9/20 [01:02&lt;01:16, 6.9s/it]`.</summary>
public static partial class ProgressParser
{
    /// <summary>The optimiser's main bar; its per-worker bars are described `strategy: 0-1-2`.</summary>
    public const string OptimiserBar = "Total progress";

    /// <summary>replay_season's bar.</summary>
    public const string ReplayBar = "REPLAY PROGRESS";

    /// <summary>
    /// The last bar state in <paramref name="line"/> (tqdm redraws with \r, so one stored line can hold
    /// many states), or null when the line holds no bar. <paramref name="description"/> limits which bar counts.
    /// </summary>
    public static ProgressReading? Parse(string line, string? description = null) =>
        ParseAll(line, description) is [.., var last] ? last : null;

    /// <summary>Every bar state in <paramref name="line"/>, in the order drawn (one per <c>\r</c>-separated segment).</summary>
    public static IReadOnlyList<ProgressReading> ParseAll(string line, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.Contains("%|", StringComparison.Ordinal))
        {
            // Most lines are not bars: no split, no regex.
            return [];
        }

        var readings = new List<ProgressReading>(1);
        foreach (var segment in line.Split('\r'))
        {
            var match = Bar().Match(OutputText.Clean(segment));
            if (!match.Success)
            {
                continue;
            }

            var desc = match.Groups["desc"].Value.Trim().TrimEnd(':').Trim();
            if (description is not null && !desc.Equals(description, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            readings.Add(new ProgressReading(
                desc,
                OutputText.ParseDouble(match.Groups["pct"].Value),
                OutputText.ParseDouble(match.Groups["done"].Value),
                OutputText.ParseDouble(match.Groups["total"].Value),
                Duration(match.Groups["elapsed"].Value),
                Duration(match.Groups["left"].Value)));
        }

        return readings;
    }

    /// <summary>tqdm prints `mm:ss` or `h:mm:ss`, and `?` before it can estimate.</summary>
    internal static TimeSpan? Duration(string text)
    {
        if (string.IsNullOrEmpty(text) || text.Contains('?', StringComparison.Ordinal))
        {
            return null;
        }

        var parts = text.Split(':').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return parts.Length switch
        {
            2 => new TimeSpan(0, parts[0], parts[1]),
            3 => new TimeSpan(parts[0], parts[1], parts[2]),
            _ => null,
        };
    }

    [GeneratedRegex(@"^(?<desc>.*?)\s*(?<pct>\d{1,3})%\|[^|]*\|\s*(?<done>\d+(?:\.\d+)?)/(?<total>\d+(?:\.\d+)?)(?:\s*\[(?<elapsed>[\d:]+|\?)<(?<left>[\d:]+|\?))?")]
    private static partial Regex Bar();
}

/// <summary>
/// One run's main bar, followed across its lines, redraws and drawn states. Only the bar named at construction
/// decides (the optimiser's stacked worker bars `strategy: …` are other bars). A reading below the highest count
/// seen for the same total is not progress: tqdm prints `0/27` once more after `27/27` when it closes the bar, so
/// "the last reading wins" would end a successful run at 0 %. A reading with another total is a new bar.
/// Not thread-safe: one pipe reader feeds it at a time (the log writer's turn).
/// </summary>
public sealed class BarTracker(string description)
{
    /// <summary>The newest accepted state of the bar; null until it is first drawn.</summary>
    public ProgressReading? Current { get; private set; }

    /// <summary>
    /// Reads every state of the main bar in <paramref name="plainText"/>; returns the new state when the text moved the
    /// bar (a higher count, a new total or a new estimate of the time left), else null.
    /// </summary>
    public ProgressReading? Read(string plainText)
    {
        ProgressReading? moved = null;
        foreach (var reading in ProgressParser.ParseAll(plainText, description))
        {
            if (Current is { } current && reading.Total.Equals(current.Total)
                && (reading.Done < current.Done || (reading.Done.Equals(current.Done) && reading.Remaining == current.Remaining)))
            {
                continue;
            }

            Current = moved = reading;
        }

        return moved;
    }
}

/// <summary>
/// The optimiser's reliable progress: its main bar can stop at 7 % or 11 % although the run is complete
/// (AIrsenal issues #642, #782), but it writes one `strategy_&lt;tag&gt;_&lt;sid&gt;.json` per finished strategy into
/// `$AIRSENAL_HOME/airsopt/` until the end of the run, so counting them against the bar's total is honest.
/// </summary>
public static class StrategyFiles
{
    /// <summary>How many strategy files exist now; null when the folder cannot be read.</summary>
    public static int? Count(string airsenalHome)
    {
        var folder = Path.Combine(airsenalHome, "airsopt");
        try
        {
            return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "strategy_*.json").Count() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
