using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>One document per line in `job_logs`, unique on (job_id, seq).</summary>
internal sealed partial class MongoJobLogStore(IMongoCollection<BsonDocument> logs) : IJobLogStore
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
                    [WordsField] = Words(line.Text),
                }),
                new InsertManyOptions { IsOrdered = true },
                cancellationToken);

    public async Task<IReadOnlyList<LogLine>> ReadAsync(string jobId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var documents = await logs.Find(Filter.Eq("job_id", jobId) & Filter.Gt("seq", afterSeq))
            .Sort(Builders<BsonDocument>.Sort.Ascending("seq"))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.Select(ToLine).ToList();
    }

    public async Task<IReadOnlyList<LogLine>> ReadTailAsync(string jobId, int count, CancellationToken cancellationToken)
    {
        var documents = await logs.Find(Filter.Eq("job_id", jobId))
            .Sort(Builders<BsonDocument>.Sort.Descending("seq"))
            .Limit(count)
            .ToListAsync(cancellationToken);
        return documents.Select(ToLine).Reverse().ToList();
    }

    public Task<long> CountAsync(string jobId, CancellationToken cancellationToken) =>
        logs.CountDocumentsAsync(Filter.Eq("job_id", jobId), cancellationToken: cancellationToken);

    public async Task<long> LastSeqAsync(string jobId, CancellationToken cancellationToken)
    {
        var last = await ReadTailAsync(jobId, 1, cancellationToken);
        return last.Count == 0 ? 0 : last[0].Seq;
    }

    public async Task<long> DeleteAsync(string jobId, CancellationToken cancellationToken) =>
        (await logs.DeleteManyAsync(Filter.Eq("job_id", jobId), cancellationToken)).DeletedCount;

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

    private static LogLine ToLine(BsonDocument document) => new(
        document["seq"].ToInt64(),
        BsonDates.Read(document, "ts") ?? DateTimeOffset.UnixEpoch,
        StorageJson.ParseSource(document.GetValue("stream", "stdout").AsString),
        document["text"].AsString);
}
