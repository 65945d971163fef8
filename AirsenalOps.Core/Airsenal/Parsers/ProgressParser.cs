using System.Globalization;
using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Airsenal.Parsers;

/// <summary>One tqdm bar reading: its description, percent, counts and the remaining time tqdm estimates.</summary>
public sealed record ProgressReading(string Description, double Percent, int Done, int Total, TimeSpan? Elapsed, TimeSpan? Remaining)
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
    public static ProgressReading? Parse(string line, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(line);
        ProgressReading? last = null;
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

            last = new ProgressReading(
                desc,
                OutputText.ParseDouble(match.Groups["pct"].Value),
                OutputText.ParseInt(match.Groups["done"].Value),
                OutputText.ParseInt(match.Groups["total"].Value),
                Duration(match.Groups["elapsed"].Value),
                Duration(match.Groups["left"].Value));
        }

        return last;
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

    [GeneratedRegex(@"^(?<desc>.*?)\s*(?<pct>\d{1,3})%\|[^|]*\|\s*(?<done>\d+)/(?<total>\d+)(?:\s*\[(?<elapsed>[\d:]+|\?)<(?<left>[\d:]+|\?))?")]
    private static partial Regex Bar();
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

    /// <summary>Percent from the file count and the bar's total (the number of strategies); capped at 100.</summary>
    public static double? Percent(int? files, int? total) =>
        files is { } f && total is > 0 ? Math.Min(100, Math.Round(100.0 * f / total.Value, 1)) : null;
}
