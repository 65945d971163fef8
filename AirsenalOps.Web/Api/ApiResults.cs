namespace AirsenalOps.Web.Api;

/// <summary>The peer's error shape: every API error is `{"detail": "..."}`.</summary>
public sealed record ErrorDetail(string Detail);

public static class ApiResults
{
    public static IResult Error(int statusCode, string detail) =>
        TypedResults.Json(new ErrorDetail(detail), statusCode: statusCode);
}
