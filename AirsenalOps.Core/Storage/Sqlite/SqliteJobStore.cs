using System.Globalization;
using System.Text;
using System.Text.Json;
using AirsenalOps.Core.Jobs;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>Jobs as JSON documents, with the fields that queries need copied into columns.</summary>
internal sealed class SqliteJobStore(SqliteStorage storage) : IJobStore
{
    public async Task InsertAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO jobs (id, command, status, created_at, next_attempt_at, doc)
            VALUES ($id, $command, $status, $created, $next, $doc);
            """;
        Bind(command, job);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        return await GetAsync(connection, id, cancellationToken);
    }

    public async Task<IReadOnlyList<JobRecord>> ListAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT doc FROM jobs{Where(command, filter)} ORDER BY created_at DESC, rowid DESC LIMIT $limit OFFSET $skip;";
        command.Parameters.AddWithValue("$limit", filter.Limit);
        command.Parameters.AddWithValue("$skip", filter.Skip);
        var jobs = new List<JobRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(Deserialize(reader.GetString(0)));
        }

        return jobs;
    }

    public async Task<long> CountAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM jobs{Where(command, filter)};";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<JobRecord?> ClaimNextAsync(JobClaim claim, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE takes the write lock first, so two claimers cannot both read the same candidate.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        var sql = new StringBuilder("""
            SELECT doc FROM jobs
            WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $now)
            """);
        select.Parameters.AddWithValue("$now", StorageJson.FormatDate(claim.Now));
        if (claim.Commands is not null)
        {
            if (claim.Commands.Count == 0)
            {
                return null;
            }

            var names = claim.Commands.Select((c, i) => (Name: "$c" + i.ToString(CultureInfo.InvariantCulture), Value: c)).ToList();
            sql.Append(" AND command IN (").Append(string.Join(", ", names.Select(n => n.Name))).Append(')');
            foreach (var (name, value) in names)
            {
                select.Parameters.AddWithValue(name, value);
            }
        }

        select.CommandText = sql.Append(" ORDER BY created_at, rowid LIMIT 1;").ToString();
        var doc = await select.ExecuteScalarAsync(cancellationToken) as string;
        if (doc is null)
        {
            return null;
        }

        var claimed = JobTransitions.Claim(Deserialize(doc), claim);
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE jobs SET status = $status, next_attempt_at = $next, doc = $doc WHERE id = $id;";
        Bind(update, claimed);
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    public async Task<bool> UpdateAsync(JobRecord job, JobExpectation? expected, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Owner and lease are compared as the document holds them (the lease as System.Text.Json wrote it, which a
        // read and a write of the same value reproduce exactly).
        command.CommandText = """
            UPDATE jobs SET command = $command, status = $status, created_at = $created, next_attempt_at = $next, doc = $doc
            WHERE id = $id AND ($expected IS NULL OR status = $expected)
              AND ($lease_checked = 0 OR (json_extract(doc, '$.owner') IS $owner AND json_extract(doc, '$.lease_expires_at') IS $lease));
            """;
        Bind(command, job);
        command.Parameters.AddWithValue("$expected", expected is { } e ? StorageJson.ToText(e.Status) : DBNull.Value);
        command.Parameters.AddWithValue("$lease_checked", expected is { OwnerAndLease: true } ? 1 : 0);
        command.Parameters.AddWithValue("$owner", (object?)expected?.Owner ?? DBNull.Value);
        command.Parameters.AddWithValue("$lease", expected?.LeaseExpiresAt is { } lease ? JsonSerializer.Serialize(lease, StorageJson.Options).Trim('"') : DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<FinishedJob>> ListFinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The end time and the purge mark live in the document only: json_extract reads them without deserialising it.
        command.CommandText = """
            SELECT id, command, status, created_at, json_extract(doc, '$.completed_at'), json_extract(doc, '$.logs_purged') IS NOT NULL
            FROM jobs WHERE status IN ('completed', 'failed', 'cancelled') ORDER BY created_at, rowid;
            """;
        var jobs = new List<FinishedJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new FinishedJob(
                reader.GetString(0),
                reader.GetString(1),
                Enum.Parse<JobStatus>(reader.GetString(2), ignoreCase: true),
                StorageJson.ParseDate(reader.GetString(3)),
                reader.IsDBNull(4) ? null : StorageJson.ParseDate(reader.GetString(4)),
                reader.GetInt64(5) != 0));
        }

        return jobs;
    }

    public async Task<bool> DeleteAsync(string id, JobStatus expectedStatus, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM jobs WHERE id = $id AND status = $expected;";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$expected", StorageJson.ToText(expectedStatus));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<JobRecord?> GetAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT doc FROM jobs WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is string doc ? Deserialize(doc) : null;
    }

    private static string Where(SqliteCommand command, JobFilter filter)
    {
        var clauses = new List<string>();
        if (filter.Status is { } status)
        {
            clauses.Add("status = $fstatus");
            command.Parameters.AddWithValue("$fstatus", StorageJson.ToText(status));
        }

        if (filter.Command is { } name)
        {
            clauses.Add("command = $fcommand");
            command.Parameters.AddWithValue("$fcommand", name);
        }

        return clauses.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", clauses);
    }

    private static void Bind(SqliteCommand command, JobRecord job)
    {
        command.Parameters.AddWithValue("$id", job.Id);
        command.Parameters.AddWithValue("$command", job.Command);
        command.Parameters.AddWithValue("$status", StorageJson.ToText(job.Status));
        command.Parameters.AddWithValue("$created", StorageJson.FormatDate(job.CreatedAt));
        command.Parameters.AddWithValue("$next", job.NextAttemptAt is { } next ? StorageJson.FormatDate(next) : DBNull.Value);
        command.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(job, StorageJson.Options));
    }

    private static JobRecord Deserialize(string doc) =>
        JsonSerializer.Deserialize<JobRecord>(doc, StorageJson.Options)
        ?? throw new InvalidDataException("A stored job document is empty.");
}
