using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>
/// One document per line in `job_logs`, unique on (job_id, seq), plus the lines the older console kept inside
/// its job documents (`jobs.logs`). This is the one place that knows about those: they are presented as lines
/// 1..N (stamped with the job's creation time, on stdout), and lines written since follow from N+1 because
/// writers number from <see cref="LastSeqAsync"/>. Everything above the store (page, API, download, WebSocket,
/// retention) then sees one numbered log.
/// </summary>
internal sealed class MongoJobLogStore(IMongoCollection<BsonDocument> logs, IMongoCollection<BsonDocument> jobs) : IJobLogStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    public Task AppendAsync(string jobId, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken) =>
        lines.Count == 0
            ? Task.CompletedTask
            : logs.InsertManyAsync(
                lines.Select(line => new BsonDocument
                {
                    ["job_id"] = jobId,
                    ["seq"] = line.Seq,
                    ["ts"] = StorageJson.FormatDate(line.Time),
                    ["stream"] = StorageJson.ToText(line.Source),
                    ["text"] = line.Text,
                }),
                new InsertManyOptions { IsOrdered = true },
                cancellationToken);

    public async Task<IReadOnlyList<LogLine>> ReadAsync(string jobId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var legacy = await LegacyAsync(jobId, cancellationToken);
        var result = legacy.Where(l => l.Seq > afterSeq).Take(limit).ToList();
        if (result.Count < limit)
        {
            var documents = await logs.Find(Filter.Eq("job_id", jobId) & Filter.Gt("seq", Math.Max(afterSeq, legacy.Count)))
                .Sort(Builders<BsonDocument>.Sort.Ascending("seq"))
                .Limit(limit - result.Count)
                .ToListAsync(cancellationToken);
            result.AddRange(documents.Select(ToLine));
        }

        return result;
    }

    public async Task<IReadOnlyList<LogLine>> ReadTailAsync(string jobId, int count, CancellationToken cancellationToken)
    {
        var stored = await StoredTailAsync(jobId, count, cancellationToken);
        if (stored.Count == count)
        {
            return stored;
        }

        var legacy = await LegacyAsync(jobId, cancellationToken);
        return [.. legacy.Skip(Math.Max(0, legacy.Count - (count - stored.Count))), .. stored];
    }

    public async Task<long> CountAsync(string jobId, CancellationToken cancellationToken) =>
        await logs.CountDocumentsAsync(Filter.Eq("job_id", jobId), cancellationToken: cancellationToken)
        + (await LegacyAsync(jobId, cancellationToken)).Count;

    public async Task<long> LastSeqAsync(string jobId, CancellationToken cancellationToken)
    {
        var last = await StoredTailAsync(jobId, 1, cancellationToken);
        return last.Count > 0 ? last[0].Seq : (await LegacyAsync(jobId, cancellationToken)).Count;
    }

    public async Task<long> DeleteAsync(string jobId, CancellationToken cancellationToken)
    {
        var legacy = await LegacyAsync(jobId, cancellationToken);
        var deleted = (await logs.DeleteManyAsync(Filter.Eq("job_id", jobId), cancellationToken)).DeletedCount;
        // Empty, not removed: the older console's readers expect the field.
        await jobs.UpdateOneAsync(
            Filter.Eq("id", jobId) & Filter.SizeGt("logs", 0),
            Builders<BsonDocument>.Update.Set("logs", new BsonArray()),
            cancellationToken: cancellationToken);
        return deleted + legacy.Count;
    }

    public Task<long> CountAllAsync(CancellationToken cancellationToken) =>
        logs.EstimatedDocumentCountAsync(cancellationToken: cancellationToken);

    public async Task<IReadOnlyDictionary<string, long>> SizesAsync(CancellationToken cancellationToken)
    {
        var groups = await logs.Aggregate()
            .Group(new BsonDocument
            {
                ["_id"] = "$job_id",
                ["bytes"] = new BsonDocument("$sum", new BsonDocument("$strLenBytes", "$text")),
            })
            .ToListAsync(cancellationToken);
        return groups
            .Where(g => g["_id"].IsString)
            .ToDictionary(g => g["_id"].AsString, g => g["bytes"].ToInt64(), StringComparer.Ordinal);
    }

    /// <summary>
    /// The job document's inline lines as 1..N, or none. When stored lines already use those numbers (written
    /// before the inline lines were numbered here, when writers started at 1), the stored lines win: the log
    /// is never shown with two lines under one number.
    /// </summary>
    private async Task<IReadOnlyList<LogLine>> LegacyAsync(string jobId, CancellationToken cancellationToken)
    {
        var document = await jobs.Find(Filter.Eq("id", jobId))
            .Project(Builders<BsonDocument>.Projection.Include("logs").Include("created_at"))
            .FirstOrDefaultAsync(cancellationToken);
        if (document is null || !document.TryGetValue("logs", out var inline) || !inline.IsBsonArray || inline.AsBsonArray.Count == 0)
        {
            return [];
        }

        var texts = inline.AsBsonArray;
        var overlapping = await logs.Find(Filter.Eq("job_id", jobId) & Filter.Lte("seq", texts.Count)).Limit(1).AnyAsync(cancellationToken);
        if (overlapping)
        {
            return [];
        }

        var time = BsonDates.Read(document, "created_at") ?? DateTimeOffset.UnixEpoch;
        return [.. texts.Select((text, i) => new LogLine(i + 1, time, LogSource.Stdout, text.IsString ? text.AsString : text.ToString()!))];
    }

    private async Task<IReadOnlyList<LogLine>> StoredTailAsync(string jobId, int count, CancellationToken cancellationToken)
    {
        var documents = await logs.Find(Filter.Eq("job_id", jobId))
            .Sort(Builders<BsonDocument>.Sort.Descending("seq"))
            .Limit(count)
            .ToListAsync(cancellationToken);
        return documents.Select(ToLine).Reverse().ToList();
    }

    private static LogLine ToLine(BsonDocument document) => new(
        document["seq"].ToInt64(),
        BsonDates.Read(document, "ts") ?? DateTimeOffset.UnixEpoch,
        StorageJson.ParseSource(document.GetValue("stream", "stdout").AsString),
        document["text"].AsString);
}
