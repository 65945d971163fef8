using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>Log lines in their own table keyed by (job, seq): appends are one transaction per batch,
/// written with multi-row INSERT statements.</summary>
internal sealed class SqliteJobLogStore(SqliteStorage storage) : IJobLogStore
{
    /// <summary>
    /// Rows per INSERT. One statement per row pays the provider's execute overhead for every line; but SQLite
    /// finds each named parameter by a linear scan, so very wide statements cost more per row again.
    /// </summary>
    internal const int RowsPerStatement = 32;

    private static readonly string FullInsert = InsertSql(RowsPerStatement);

    public async Task AppendAsync(string jobId, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            return;
        }

        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        SqliteCommand? full = null;
        try
        {
            var offset = 0;
            while (offset < lines.Count)
            {
                var rows = Math.Min(RowsPerStatement, lines.Count - offset);
                if (rows == RowsPerStatement)
                {
                    // The full-size statement is prepared once per batch and re-bound for every chunk.
                    full ??= CreateInsert(connection, transaction, jobId, rows, FullInsert);
                    await InsertAsync(full, lines, offset, rows, cancellationToken);
                }
                else
                {
                    await using var tail = CreateInsert(connection, transaction, jobId, rows, InsertSql(rows));
                    await InsertAsync(tail, lines, offset, rows, cancellationToken);
                }

                offset += rows;
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync();
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static string InsertSql(int rows)
    {
        var sql = new System.Text.StringBuilder("INSERT INTO job_logs (job_id, seq, ts, stream, text) VALUES ", 32 + (rows * 40));
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"($job,$s{i},$t{i},$k{i},$x{i})");
        }

        return sql.Append(';').ToString();
    }

    private static SqliteCommand CreateInsert(SqliteConnection connection, SqliteTransaction transaction, string jobId, int rows, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.Add("$job", SqliteType.Text).Value = jobId;
        for (var i = 0; i < rows; i++)
        {
            command.Parameters.Add(ParameterName('s', i), SqliteType.Integer);
            command.Parameters.Add(ParameterName('t', i), SqliteType.Text);
            command.Parameters.Add(ParameterName('k', i), SqliteType.Text);
            command.Parameters.Add(ParameterName('x', i), SqliteType.Text);
        }

        return command;
    }

    private static string ParameterName(char kind, int row) => string.Create(CultureInfo.InvariantCulture, $"${kind}{row}");

    private static Task<int> InsertAsync(SqliteCommand command, IReadOnlyList<LogLine> lines, int offset, int rows, CancellationToken cancellationToken)
    {
        var parameters = command.Parameters;
        for (var i = 0; i < rows; i++)
        {
            var line = lines[offset + i];
            // Parameters were added in the order job, then (seq, ts, stream, text) per row.
            var at = 1 + (i * 4);
            parameters[at].Value = line.Seq;
            parameters[at + 1].Value = StorageJson.FormatDate(line.Time);
            parameters[at + 2].Value = StorageJson.ToText(line.Source);
            parameters[at + 3].Value = line.Text;
        }

        return command.ExecuteNonQueryAsync(cancellationToken);
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
