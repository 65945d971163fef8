using System.Globalization;

namespace AirsenalOps.Web.Components.Common;

/// <summary>How times and durations read on the pages (invariant culture, UTC, compact).</summary>
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

    /// <summary>"2026-11-27 20:31:05 UTC".</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "–";

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
