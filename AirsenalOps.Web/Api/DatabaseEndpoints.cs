using AirsenalOps.Core.Airsenal.Database;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Web.Api;

/// <summary>AIrsenal's persistent database: its state, its dated backups, and restoring one.</summary>
public static class DatabaseEndpoints
{
    public static WebApplication MapDatabaseApi(this WebApplication app)
    {
        var group = app.MapProtectedApi("/database");
        group.MapGet("/", (AirsenalDatabase database) => TypedResults.Ok(database.GetStatus()));
        group.MapGet("/backups", (AirsenalDatabase database) => TypedResults.Ok(database.ListBackups()));
        group.MapPost("/backups/{name}/restore", RestoreAsync);
        return app;
    }

    private static async Task<IResult> RestoreAsync(string name, AirsenalDatabase database, IStorage storage, CancellationToken cancellationToken)
    {
        try
        {
            var backup = await database.RestoreAsync(name, async (jobId, ct) => await storage.Jobs.GetAsync(jobId, ct) is { IsFinished: false }, cancellationToken);
            return TypedResults.Ok(new { success = true, restored = backup.Name, created_at = backup.CreatedAt });
        }
        catch (BackupNotFoundException ex)
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, ex.Message);
        }
        catch (DatabaseBusyException ex)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ex.Message);
        }
        catch (AirsenalDatabaseException ex)
        {
            return ApiResults.Error(StatusCodes.Status500InternalServerError, ex.Message);
        }
    }
}
