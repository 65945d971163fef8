using MongoDB.Bson;
using MongoDB.Driver;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>
/// Log search on MongoDB: each line document carries `words`, its distinct lower-case words
/// (<see cref="LogSearchTerms.Split"/>), under a multikey index, and a query asks for lines whose words hold all
/// terms (`$all`, exact values: user input never becomes a regular expression or a `$text` expression). That is
/// whole-word search with the power of an index on every store that speaks the protocol, the same words the
/// embedded store's FTS5 index finds. Lines stored before `words` existed get it in the background at start.
/// </summary>
internal sealed partial class MongoJobLogStore
{
    /// <summary>Line documents given their words in one step of the start-time backfill.</summary>
    private const int BackfillStep = 1000;

    internal const string WordsField = "words";

    /// <summary>Set once a backfill step found nothing left: every line document has its words.</summary>
    private volatile bool _backfilled;

    internal static BsonArray Words(string text) => new(LogSearchTerms.Split(text, LogSearchTerms.MaxWordsPerLine));

    /// <summary>The indexes search uses: all jobs, newest first; and within jobs.</summary>
    internal static IEnumerable<CreateIndexModel<BsonDocument>> SearchIndexes() =>
    [
        new(Builders<BsonDocument>.IndexKeys.Ascending(WordsField).Descending("_id")),
        new(Builders<BsonDocument>.IndexKeys.Ascending("job_id").Ascending(WordsField)),
    ];

    public async Task<long> IndexForSearchAsync(CancellationToken cancellationToken)
    {
        if (_backfilled)
        {
            return 0;
        }

        var pending = await logs.Find(Filter.Exists(WordsField, exists: false))
            .Project(Builders<BsonDocument>.Projection.Include("_id").Include("text"))
            .Limit(BackfillStep)
            .ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            _backfilled = true;
            return 0;
        }

        await logs.BulkWriteAsync(
            pending.Select(d => new UpdateOneModel<BsonDocument>(
                Filter.Eq("_id", d["_id"]),
                Builders<BsonDocument>.Update.Set(WordsField, Words(d.GetValue("text", "").AsString)))),
            new BulkWriteOptions { IsOrdered = false },
            cancellationToken);
        return pending.Count;
    }

    public async Task<LogSearchResult> SearchAsync(LogSearchQuery query, CancellationToken cancellationToken)
    {
        if (query.Terms.Count == 0 || query.Limit <= 0 || query.JobIds is { Count: 0 })
        {
            return new LogSearchResult([], HasMore: false, Partial: false);
        }

        // Not yet known to be complete (another instance may have finished the backfill): one step tells.
        if (!_backfilled)
        {
            await IndexForSearchAsync(cancellationToken);
        }

        var filter = Filter.All(WordsField, query.Terms);
        if (query.JobIds is not null)
        {
            filter &= Filter.In("job_id", query.JobIds);
        }

        var sort = query.InLineOrder ? Builders<BsonDocument>.Sort.Ascending("seq") : Builders<BsonDocument>.Sort.Descending("_id");
        var documents = await logs.Find(filter)
            .Project(Builders<BsonDocument>.Projection.Exclude(WordsField))
            .Sort(sort)
            .Skip(query.Skip)
            .Limit(query.Limit + 1)
            .ToListAsync(cancellationToken);
        var matches = documents.Take(query.Limit).Select(d => new LogMatch(d["job_id"].AsString, ToLine(d))).ToList();
        return new LogSearchResult(matches, documents.Count > query.Limit, Partial: !_backfilled);
    }
}
