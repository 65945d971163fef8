using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AirsenalOps.Core.Storage.Sqlite;

/// <summary>
/// Log search on the embedded store: a contentless FTS5 table with one document per chunk (its rowid is the chunk's),
/// so the index costs one insert per chunk rather than per line and keeps no second copy of the text. A match names
/// the chunks that hold every word; the chunk is decoded and its lines checked one by one with the same definition of
/// a word (<see cref="LogSearchTerms"/>), which also drops a chunk whose words are spread over different lines.
/// Chunks are indexed after they are written, in small steps (the background worker, and each search for what is
/// left), never on the job's write path: a chatty job pays nothing for search, and an existing database is indexed
/// at start without holding the write lock for more than a step.
/// </summary>
internal sealed partial class SqliteJobLogStore
{
    internal const string SearchCreateSql = """
        CREATE VIRTUAL TABLE IF NOT EXISTS log_search USING fts5(
            text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
        CREATE TABLE IF NOT EXISTS log_search_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            indexed_rowid INTEGER NOT NULL);
        INSERT OR IGNORE INTO log_search_state (id, indexed_rowid) VALUES (1, 0);
        """;

    /// <summary>Dropped before a VACUUM, which may renumber the chunks' rowids; the worker builds it again.</summary>
    internal const string SearchDropSql = "DROP TABLE IF EXISTS log_search; DROP TABLE IF EXISTS log_search_state;";

    /// <summary>Chunks (up to 64 KiB of text each) indexed in one transaction: a step holds the write lock for tens of milliseconds.</summary>
    private const int IndexStepChunks = 16;

    /// <summary>Steps a search takes first, so the lines written since the worker's last step are found.</summary>
    private const int SearchCatchUpSteps = 16;

    private const string WatermarkSql = "SELECT indexed_rowid FROM log_search_state WHERE id = 1";

    public async Task<long> IndexForSearchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var chunks = new List<(long RowId, byte[] Lines)>(IndexStepChunks);
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = $"SELECT rowid, lines FROM job_log_chunks WHERE rowid > ({WatermarkSql}) ORDER BY rowid LIMIT {IndexStepChunks};";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                chunks.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
            }
        }

        if (chunks.Count == 0)
        {
            return 0;
        }

        long indexed = 0;
        var lines = new List<LogLine>(LogChunkCodec.MaxLines);
        var text = new StringBuilder(LogChunkCodec.TargetBytes + 1024);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO log_search (rowid, text) VALUES ($id, $text);";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var body = insert.Parameters.Add("$text", SqliteType.Text);
            foreach (var (rowId, blob) in chunks)
            {
                lines.Clear();
                text.Clear();
                LogChunkCodec.Decode(blob, afterSeq: 0, lines, int.MaxValue);
                foreach (var line in lines)
                {
                    text.Append(line.Text).Append('\n');
                }

                id.Value = rowId;
                body.Value = text.ToString();
                await insert.ExecuteNonQueryAsync(cancellationToken);
                indexed += lines.Count;
            }
        }

        await using (var mark = connection.CreateCommand())
        {
            mark.Transaction = transaction;
            mark.CommandText = "UPDATE log_search_state SET indexed_rowid = $last WHERE id = 1;";
            mark.Parameters.AddWithValue("$last", chunks[^1].RowId);
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return indexed;
    }

    public async Task<LogSearchResult> SearchAsync(LogSearchQuery query, CancellationToken cancellationToken)
    {
        if (query.Terms.Count == 0 || query.Limit <= 0 || query.JobIds is { Count: 0 })
        {
            return new LogSearchResult([], HasMore: false, Partial: false);
        }

        for (var step = 0; step < SearchCatchUpSteps && await IndexForSearchAsync(cancellationToken) > 0; step++)
        {
        }

        await using var connection = await storage.OpenAsync(cancellationToken);
        bool partial;
        await using (var pending = connection.CreateCommand())
        {
            pending.CommandText = $"SELECT EXISTS (SELECT 1 FROM job_log_chunks WHERE rowid > ({WatermarkSql}));";
            partial = Convert.ToInt64(await pending.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) != 0;
        }

        await using var command = connection.CreateCommand();
        var jobs = query.JobIds is null ? "" : " AND c.job_id IN (SELECT value FROM json_each($jobs))";
        var order = query.InLineOrder ? "c.last_seq" : "c.rowid DESC";
        command.CommandText = $"""
            SELECT c.job_id, c.lines FROM job_log_chunks c
            WHERE c.rowid IN (SELECT rowid FROM log_search WHERE log_search MATCH $match){jobs}
            ORDER BY {order};
            """;
        // Each term is quoted as an FTS5 string: user input is never FTS5 syntax (no operators, columns or NEAR).
        command.Parameters.AddWithValue("$match", string.Join(' ', query.Terms.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")));
        if (query.JobIds is not null)
        {
            command.Parameters.AddWithValue("$jobs", JsonSerializer.Serialize(query.JobIds));
        }

        var matches = new List<LogMatch>(Math.Min(query.Limit, 1000));
        var skip = query.Skip;
        var more = false;
        var lines = new List<LogLine>(LogChunkCodec.MaxLines);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (!more && await reader.ReadAsync(cancellationToken))
        {
            var jobId = reader.GetString(0);
            lines.Clear();
            LogChunkCodec.Decode(reader.GetFieldValue<byte[]>(1), afterSeq: 0, lines, int.MaxValue);
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[query.InLineOrder ? i : lines.Count - 1 - i];
                if (!LogSearchTerms.Matches(line.Text, query.Terms))
                {
                    continue;
                }

                if (skip > 0)
                {
                    skip--;
                }
                else if (matches.Count < query.Limit)
                {
                    matches.Add(new LogMatch(jobId, line));
                }
                else
                {
                    more = true;
                    break;
                }
            }
        }

        return new LogSearchResult(matches, more, partial);
    }

    /// <summary>
    /// Takes a job's indexed chunks out of the search index, in the caller's transaction, before they are deleted; and
    /// afterwards (<see cref="ForgetDeletedForSearchAsync"/>) keeps the mark below the next rowid SQLite will hand out.
    /// </summary>
    private static async Task ForgetForSearchAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        command.CommandText = $"DELETE FROM log_search WHERE rowid IN (SELECT rowid FROM job_log_chunks WHERE job_id = $job AND rowid <= ({WatermarkSql}));";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ForgetDeletedForSearchAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        // Without AUTOINCREMENT a new chunk takes the highest rowid + 1: once the newest chunks are gone, rowids at or
        // below the mark come again and must still be indexed.
        command.CommandText = "UPDATE log_search_state SET indexed_rowid = MIN(indexed_rowid, (SELECT COALESCE(MAX(rowid), 0) FROM job_log_chunks)) WHERE id = 1;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
