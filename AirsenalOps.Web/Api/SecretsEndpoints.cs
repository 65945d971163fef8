using AirsenalOps.Core.Secrets;

namespace AirsenalOps.Web.Api;

public sealed record SecretView(string Key, bool IsSet, string MaskedValue, DateTimeOffset? UpdatedAt);

public sealed record SecretUpsertRequest(string? Key, string? Value);

public sealed record SecretSavedResponse(bool Success, string Key);

/// <summary>The peer's /api/secrets routes, plus DELETE. Values go in, never out.</summary>
public static class SecretsEndpoints
{
    public static WebApplication MapSecretsApi(this WebApplication app)
    {
        var group = app.MapProtectedApi("/secrets");
        group.MapGet("", ListAsync);
        group.MapPost("", UpsertAsync);
        group.MapDelete("/{key}", DeleteAsync);
        return app;
    }

    internal static async Task<IResult> ListAsync(SecretsService secrets, CancellationToken cancellationToken) =>
        TypedResults.Ok((await secrets.ListAsync(cancellationToken))
            .Select(s => new SecretView(s.Key, s.IsSet, s.MaskedValue, s.UpdatedAt)));

    internal static async Task<IResult> UpsertAsync(SecretUpsertRequest? request, SecretsService secrets, CancellationToken cancellationToken)
    {
        if (AdminKeyRefusal(request?.Key) is { } refused)
        {
            return refused;
        }

        try
        {
            await secrets.SetAsync(request?.Key!, request?.Value!, cancellationToken);
            return TypedResults.Ok(new SecretSavedResponse(true, request!.Key!));
        }
        catch (SecretValidationException ex)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, ex.Message);
        }
    }

    internal static async Task<IResult> DeleteAsync(string key, SecretsService secrets, CancellationToken cancellationToken)
    {
        if (AdminKeyRefusal(key) is { } refused)
        {
            return refused;
        }

        try
        {
            return await secrets.DeleteAsync(key, cancellationToken)
                ? TypedResults.Ok(new SecretSavedResponse(true, key))
                : ApiResults.Error(StatusCodes.Status404NotFound, $"Secret {key} is not set");
        }
        catch (SecretValidationException ex)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, ex.Message);
        }
    }

    // The admin's identity changes only where the current password is asked for (Settings), so a stolen
    // token cannot replace the password hash or reopen first-run setup by deleting it.
    private static IResult? AdminKeyRefusal(string? key) =>
        key is not null && SecretKeys.IsAdmin(key)
            ? ApiResults.Error(StatusCodes.Status403Forbidden,
                $"{key} is the admin's identity and is not written through /api/secrets: change the password on the Settings page, which asks for the current one.")
            : null;
}
