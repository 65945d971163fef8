using System.Buffers;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>
/// Log lines stored as chunks: one row holds a run of consecutive lines of one job (at most
/// <see cref="LogChunkCodec.MaxLines"/>, about <see cref="LogChunkCodec.TargetBytes"/> bytes), keyed by
/// (job, last seq). A row per line made SQLite the bottleneck of a chatty job (~3 µs a line); a chunk
/// costs about what copying its bytes costs. Reads find the chunks that hold the lines asked for and
/// decode only those, so paging, tail, count and delete stay cheap on a million-line log.
/// </summary>
internal sealed class SqliteJobLogStore(SqliteStorage storage) : IJobLogStore
{
    internal const string CreateSql = """
        CREATE TABLE IF NOT EXISTS job_log_chunks (
            job_id TEXT NOT NULL,
            last_seq INTEGER NOT NULL,
            line_count INTEGER NOT NULL,
            lines BLOB NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS ux_job_log_chunks ON job_log_chunks (job_id, last_seq);
        """;

    public async Task AppendAsync(string jobId, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            return;
        }

        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await InsertAsync(connection, transaction, jobId, lines, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Writes lines as chunks inside the caller's transaction, refusing a number already stored.</summary>
    private static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, string jobId, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken)
    {
        for (var i = 1; i < lines.Count; i++)
        {
            if (lines[i].Seq <= lines[i - 1].Seq)
            {
                throw new ArgumentException($"Log lines must be numbered in increasing order (line {lines[i].Seq} follows {lines[i - 1].Seq}).", nameof(lines));
            }
        }

        // A chunk is keyed by its last line, so the unique index alone would not see a repeated line in
        // the middle of a chunk: the first new line must follow the last stored one.
        await using (var last = connection.CreateCommand())
        {
            last.Transaction = transaction;
            last.CommandText = "SELECT COALESCE(MAX(last_seq), 0) FROM job_log_chunks WHERE job_id = $job;";
            last.Parameters.AddWithValue("$job", jobId);
            var stored = Convert.ToInt64(await last.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            if (lines[0].Seq <= stored)
            {
                throw new InvalidOperationException($"Log line {lines[0].Seq} of job {jobId} is already stored (last stored: {stored}).");
            }
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO job_log_chunks (job_id, last_seq, line_count, lines) VALUES ($job, $last, $count, $lines);";
        insert.Parameters.Add("$job", SqliteType.Text).Value = jobId;
        var lastSeq = insert.Parameters.Add("$last", SqliteType.Integer);
        var count = insert.Parameters.Add("$count", SqliteType.Integer);
        var blob = insert.Parameters.Add("$lines", SqliteType.Blob);
        var buffer = new ArrayBufferWriter<byte>(Math.Min(LogChunkCodec.TargetBytes + 1024, 256 + (lines.Count * 64)));
        for (var offset = 0; offset < lines.Count;)
        {
            var taken = LogChunkCodec.Encode(lines, offset, buffer);
            offset += taken;
            lastSeq.Value = lines[offset - 1].Seq;
            count.Value = taken;
            blob.Value = LogChunkCodec.Pack(buffer.WrittenSpan);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<LogLine>> ReadAsync(string jobId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var lines = new List<LogLine>(Math.Clamp(limit, 0, 4096));
        if (limit <= 0)
        {
            return lines;
        }

        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Every chunk holds at least one line: `limit` chunks always hold enough.
        command.CommandText = "SELECT lines FROM job_log_chunks WHERE job_id = $job AND last_seq > $after ORDER BY last_seq LIMIT $limit;";
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$after", afterSeq);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (lines.Count < limit && await reader.ReadAsync(cancellationToken))
        {
            LogChunkCodec.Decode(reader.GetFieldValue<byte[]>(0), afterSeq, lines, limit);
        }

        return lines;
    }

    public async Task<IReadOnlyList<LogLine>> ReadTailAsync(string jobId, int count, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return [];
        }

        var chunks = new List<byte[]>();
        await using (var connection = await storage.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT line_count, lines FROM job_log_chunks WHERE job_id = $job ORDER BY last_seq DESC LIMIT $limit;";
            command.Parameters.AddWithValue("$job", jobId);
            command.Parameters.AddWithValue("$limit", count);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            long held = 0;
            while (held < count && await reader.ReadAsync(cancellationToken))
            {
                held += reader.GetInt64(0);
                chunks.Add(reader.GetFieldValue<byte[]>(1));
            }
        }

        var lines = new List<LogLine>();
        for (var i = chunks.Count - 1; i >= 0; i--)
        {
            LogChunkCodec.Decode(chunks[i], afterSeq: 0, lines, int.MaxValue);
        }

        return lines.Count <= count ? lines : lines.GetRange(lines.Count - count, count);
    }

    public Task<long> CountAsync(string jobId, CancellationToken cancellationToken) =>
        ScalarAsync("SELECT COALESCE(SUM(line_count), 0) FROM job_log_chunks WHERE job_id = $job;", jobId, cancellationToken);

    public Task<long> LastSeqAsync(string jobId, CancellationToken cancellationToken) =>
        ScalarAsync("SELECT COALESCE(MAX(last_seq), 0) FROM job_log_chunks WHERE job_id = $job;", jobId, cancellationToken);

    /// <summary>The way to make room on a full disk, so it works there (<see cref="SqliteStorage.FreeSpaceAsync"/>).</summary>
    public Task<long> DeleteAsync(string jobId, CancellationToken cancellationToken) =>
        storage.FreeSpaceAsync(
            async (connection, transaction, token) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "SELECT COALESCE(SUM(line_count), 0) FROM job_log_chunks WHERE job_id = $job;";
                command.Parameters.AddWithValue("$job", jobId);
                var deleted = Convert.ToInt64(await command.ExecuteScalarAsync(token), CultureInfo.InvariantCulture);
                if (deleted > 0)
                {
                    command.CommandText = "DELETE FROM job_log_chunks WHERE job_id = $job;";
                    await command.ExecuteNonQueryAsync(token);
                }

                return deleted;
            },
            cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken) =>
        ScalarAsync("SELECT COALESCE(SUM(line_count), 0) FROM job_log_chunks;", jobId: null, cancellationToken);

    public async Task<IReadOnlyDictionary<string, long>> SizesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // length() of a blob reads its size from the record header, not its pages: cheap on a large log.
        command.CommandText = "SELECT job_id, SUM(length(lines)) FROM job_log_chunks GROUP BY job_id;";
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sizes[reader.GetString(0)] = reader.GetInt64(1);
        }

        return sizes;
    }

    /// <summary>
    /// Moves lines from the row-per-line table of earlier versions into chunks, in the caller's
    /// transaction, and drops that table: an existing DATA_DIR keeps its logs.
    /// </summary>
    internal static async Task MigrateRowTableAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var exists = connection.CreateCommand())
        {
            exists.Transaction = transaction;
            exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'job_logs';";
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
            {
                return;
            }
        }

        const int Batch = 10_000;
        var pending = new List<LogLine>(Batch);
        string? pendingJob = null;
        await using (var rows = connection.CreateCommand())
        {
            rows.Transaction = transaction;
            rows.CommandText = "SELECT job_id, seq, ts, stream, text FROM job_logs ORDER BY job_id, seq;";
            await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var jobId = reader.GetString(0);
                if ((jobId != pendingJob && pending.Count > 0) || pending.Count == Batch)
                {
                    await InsertAsync(connection, transaction, pendingJob!, pending, cancellationToken);
                    pending.Clear();
                }

                pendingJob = jobId;
                pending.Add(new LogLine(
                    reader.GetInt64(1),
                    StorageJson.ParseDate(reader.GetString(2)),
                    StorageJson.ParseSource(reader.GetString(3)),
                    reader.GetString(4)));
            }
        }

        if (pending.Count > 0)
        {
            await InsertAsync(connection, transaction, pendingJob!, pending, cancellationToken);
        }

        await SqliteStorage.ExecuteAsync(connection, transaction, "DROP TABLE job_logs;", cancellationToken);
    }

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
}
