namespace AirsenalOps.Web.Api;

/// <summary>The peer's error shape: every API error is `{"detail": "..."}`.</summary>
public sealed record ErrorDetail(string Detail);

public static class ApiResults
{
    /// <summary>Longest detail sent: a message that quotes hostile input (a 4,000-character id) stays short.</summary>
    public const int MaxDetailLength = 500;

    public static IResult Error(int statusCode, string detail) =>
        TypedResults.Json(new ErrorDetail(Readable(detail)), statusCode: statusCode);

    /// <summary>
    /// A detail a person can read: control characters (CR/LF from an id, say) become spaces, so a message that
    /// quotes the request cannot forge lines in a client's log, and it is cut at <see cref="MaxDetailLength"/>.
    /// </summary>
    public static string Readable(string detail)
    {
        var text = new string([.. detail.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return text.Length == 0 ? "Bad request" : text.Length > MaxDetailLength ? text[..MaxDetailLength] + "…" : text;
    }
}
