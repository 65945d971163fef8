namespace AirsenalOps.Web.Components.Common;

/// <summary>
/// The browser's time zone, cascaded by the layout to every page of a circuit. The layout asks the browser once
/// (JS interop, after the first interactive render) and cascades a new instance, so every time on the page
/// re-renders in it. Before that (prerender, or a browser that did not answer) <see cref="Zone"/> is null and
/// times read in UTC, labelled as such.
/// </summary>
public sealed record BrowserTimeZone(TimeZoneInfo? Zone)
{
    public static readonly BrowserTimeZone Unknown = new((TimeZoneInfo?)null);

    /// <summary>
    /// The zone for an IANA id from the browser ("Europe/London"); an id that is empty, absurdly long or unknown to
    /// this machine leaves the times in UTC rather than guessing.
    /// </summary>
    public static BrowserTimeZone FromId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 100 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
            ? new BrowserTimeZone(zone)
            : Unknown;
}
