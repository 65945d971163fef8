using System.Globalization;

namespace AirsenalOps.Web.Components.Common;

/// <summary>How times and durations read on the pages (invariant culture, compact; <see cref="Local"/> in the browser's zone, <see cref="Time"/> in UTC).</summary>
public static class Formats
{
    public static string Duration(TimeSpan? span)
    {
        if (span is not { } d)
        {
            return "–";
        }

        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        return d.TotalSeconds < 60 ? $"{d.TotalSeconds:0}s"
            : d.TotalMinutes < 60 ? $"{(int)d.TotalMinutes}m {d.Seconds:00}s"
            : $"{(int)d.TotalHours}h {d.Minutes:00}m";
    }

    public static string Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is null || end is null ? "–" : Duration(end.Value - start.Value);

    /// <summary>A job's count as "4/27" (fractions to one place), or null when it shows none.</summary>
    public static string? Count(double? done, double? total) => done switch
    {
        null => null,
        { } d when total is { } t => $"{d.ToString("0.#", CultureInfo.InvariantCulture)}/{t.ToString("0.#", CultureInfo.InvariantCulture)}",
        { } d => $"{d.ToString("0.#", CultureInfo.InvariantCulture)} done",
    };

    /// <summary>A job's progress in one line: "15% · 4/27 · ETA 17:52 (in 6 min)"; null when it reports none.</summary>
    public static string? Progress(double? percent, double? done, double? total, DateTimeOffset? eta, DateTimeOffset now, TimeZoneInfo? zone = null)
    {
        var parts = new List<string>(3);
        if (percent is { } p)
        {
            parts.Add(p.ToString("0", CultureInfo.InvariantCulture) + "%");
        }

        if (Count(done, total) is { } count)
        {
            parts.Add(count);
        }

        if (eta is { } e && parts.Count > 0)
        {
            parts.Add($"ETA {Local(e, zone)} ({Relative(e, now)})");
        }

        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    /// <summary>"2026-11-27 20:31:05 UTC".</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "–";

    /// <summary>
    /// "2026-11-27 21:31:05 UTC+1" in <paramref name="zone"/> (its offset at that time, as .NET has no reliable short
    /// zone names), or the UTC text when the zone is not known yet. Always to the second, never fractions.
    /// </summary>
    public static string Local(DateTimeOffset? time, TimeZoneInfo? zone)
    {
        if (time is not { } t || zone is null)
        {
            return Time(time);
        }

        var local = TimeZoneInfo.ConvertTime(t, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        var label = "UTC" + sign + (abs.Minutes == 0
            ? abs.Hours.ToString(CultureInfo.InvariantCulture)
            : abs.ToString(@"h\:mm", CultureInfo.InvariantCulture));
        return local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " " + label;
    }

    /// <summary>"in 3m 05s" or "2m 10s ago", relative to <paramref name="now"/>.</summary>
    public static string Relative(DateTimeOffset? time, DateTimeOffset now)
    {
        if (time is not { } t)
        {
            return "–";
        }

        return t >= now ? "in " + Duration(t - now) : Duration(now - t) + " ago";
    }

    public static string Points(double? points) =>
        points is { } p ? p.ToString("0.##", CultureInfo.InvariantCulture) : "–";

    public static string Price(double? price) =>
        price is { } p ? "£" + p.ToString("0.0", CultureInfo.InvariantCulture) + "m" : "–";
}
