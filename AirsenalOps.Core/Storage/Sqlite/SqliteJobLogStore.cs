using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>Log lines in their own table keyed by (job, seq): appends are one transaction per batch.</summary>
internal sealed class SqliteJobLogStore(SqliteStorage storage) : IJobLogStore
{
    public async Task AppendAsync(string jobId, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            return;
        }

        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO job_logs (job_id, seq, ts, stream, text) VALUES ($job, $seq, $ts, $stream, $text);";
        var job = command.Parameters.Add("$job", SqliteType.Text);
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        var ts = command.Parameters.Add("$ts", SqliteType.Text);
        var stream = command.Parameters.Add("$stream", SqliteType.Text);
        var text = command.Parameters.Add("$text", SqliteType.Text);
        job.Value = jobId;
        foreach (var line in lines)
        {
            seq.Value = line.Seq;
            ts.Value = StorageJson.FormatDate(line.Time);
            stream.Value = StorageJson.ToText(line.Source);
            text.Value = line.Text;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<LogLine>> ReadAsync(string jobId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT seq, ts, stream, text FROM job_logs WHERE job_id = $job AND seq > $after ORDER BY seq LIMIT $limit;",
            jobId,
            command =>
            {
                command.Parameters.AddWithValue("$after", afterSeq);
                command.Parameters.AddWithValue("$limit", limit);
            },
            cancellationToken);

    public Task<IReadOnlyList<LogLine>> ReadTailAsync(string jobId, int count, CancellationToken cancellationToken) =>
        QueryAsync(
            """
            SELECT seq, ts, stream, text FROM (
                SELECT seq, ts, stream, text FROM job_logs WHERE job_id = $job ORDER BY seq DESC LIMIT $limit)
            ORDER BY seq;
            """,
            jobId,
            command => command.Parameters.AddWithValue("$limit", count),
            cancellationToken);

    public Task<long> CountAsync(string jobId, CancellationToken cancellationToken) =>
        ScalarAsync("SELECT COUNT(*) FROM job_logs WHERE job_id = $job;", jobId, cancellationToken);

    public Task<long> LastSeqAsync(string jobId, CancellationToken cancellationToken) =>
        ScalarAsync("SELECT COALESCE(MAX(seq), 0) FROM job_logs WHERE job_id = $job;", jobId, cancellationToken);

    public async Task<long> DeleteAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM job_logs WHERE job_id = $job;";
        command.Parameters.AddWithValue("$job", jobId);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<long> CountAllAsync(CancellationToken cancellationToken) =>
        ScalarAsync("SELECT COUNT(*) FROM job_logs;", jobId: null, cancellationToken);

    private async Task<long> ScalarAsync(string sql, string? jobId, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (jobId is not null)
        {
            command.Parameters.AddWithValue("$job", jobId);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private async Task<IReadOnlyList<LogLine>> QueryAsync(
        string sql, string jobId, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$job", jobId);
        bind(command);
        var lines = new List<LogLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new LogLine(
                reader.GetInt64(0),
                StorageJson.ParseDate(reader.GetString(1)),
                StorageJson.ParseSource(reader.GetString(2)),
                reader.GetString(3)));
        }

        return lines;
    }
}
