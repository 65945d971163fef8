using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Driver;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>
/// Jobs in the peer's `jobs` collection. Writes use $set on named fields, so fields this console does
/// not know (such as the peer's inline `logs` array) survive an update.
/// </summary>
internal sealed class MongoJobStore(IMongoCollection<BsonDocument> jobs) : IJobStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly JsonWriterSettings RelaxedJson = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    public Task InsertAsync(JobRecord job, CancellationToken cancellationToken) =>
        jobs.InsertOneAsync(ToDocument(job), cancellationToken: cancellationToken);

    public async Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var document = await jobs.Find(Filter.Eq("id", id)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : FromDocument(document);
    }

    public async Task<IReadOnlyList<JobRecord>> ListAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        var documents = await jobs.Find(ToFilter(filter))
            // _id breaks ties in insertion order, as rowid does in the embedded store.
            .Sort(Builders<BsonDocument>.Sort.Descending("created_at").Descending("_id"))
            .Skip(filter.Skip)
            .Limit(filter.Limit)
            .ToListAsync(cancellationToken);
        return documents.Select(FromDocument).ToList();
    }

    public Task<long> CountAsync(JobFilter filter, CancellationToken cancellationToken) =>
        jobs.CountDocumentsAsync(ToFilter(filter), cancellationToken: cancellationToken);

    public async Task<JobRecord?> ClaimNextAsync(JobClaim claim, CancellationToken cancellationToken)
    {
        var now = StorageJson.FormatDate(claim.Now);
        var filter = Filter.Eq("status", StorageJson.ToText(JobStatus.Pending))
            & (Filter.Exists("next_attempt_at", false) | Filter.Eq("next_attempt_at", BsonNull.Value) | Filter.Lte("next_attempt_at", now));
        if (claim.Commands is not null)
        {
            filter &= Filter.In("command", claim.Commands);
        }

        // One FindOneAndUpdate: the server applies it to one document atomically, so of several
        // claimers exactly one sees the pending job. The fields set are JobTransitions.Claim's.
        var document = await jobs.FindOneAndUpdateAsync(
            filter,
            Builders<BsonDocument>.Update
                .Set("status", StorageJson.ToText(JobStatus.Running))
                .Set("started_at", now)
                .Set("owner", claim.Owner)
                .Set("owner_host", claim.Host is null ? (BsonValue)BsonNull.Value : new BsonString(claim.Host))
                .Set("lease_expires_at", BsonDates.Write(claim.LeaseExpiresAt))
                .Set("next_attempt_at", BsonNull.Value),
            new FindOneAndUpdateOptions<BsonDocument>
            {
                Sort = Builders<BsonDocument>.Sort.Ascending("created_at").Ascending("_id"),
                ReturnDocument = ReturnDocument.After,
            },
            cancellationToken);
        return document is null ? null : FromDocument(document);
    }

    public async Task<bool> UpdateAsync(JobRecord job, JobExpectation? expected, CancellationToken cancellationToken)
    {
        var filter = Filter.Eq("id", job.Id);
        if (expected is not null)
        {
            filter &= Filter.Eq("status", StorageJson.ToText(expected.Status));
            if (expected.OwnerAndLease)
            {
                // Equality with null also matches a missing field (a document of the older console).
                filter &= Filter.Eq("owner", expected.Owner is null ? (BsonValue)BsonNull.Value : new BsonString(expected.Owner))
                    & Filter.Eq("lease_expires_at", BsonDates.Write(expected.LeaseExpiresAt));
            }
        }

        var fields = ToDocument(job);
        fields.Remove("logs");
        var result = await jobs.UpdateOneAsync(filter, new BsonDocument("$set", fields), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<IReadOnlyList<FinishedJob>> ListFinishedAsync(CancellationToken cancellationToken)
    {
        var documents = await jobs.Find(Filter.In("status", Finished.Select(StorageJson.ToText)))
            .Project(Builders<BsonDocument>.Projection.Include("id").Include("command").Include("status")
                .Include("created_at").Include("completed_at").Include("logs_purged"))
            .ToListAsync(cancellationToken);
        // Sorted here: a peer's dates may be strings or BSON dates, which the server would not order together.
        return documents
            .Where(d => d.GetValue("id", BsonNull.Value).IsString)
            .Select(d => new FinishedJob(
                d["id"].AsString,
                d.GetValue("command", string.Empty).ToString()!,
                Enum.Parse<JobStatus>(d["status"].AsString, ignoreCase: true),
                BsonDates.Read(d, "created_at") ?? DateTimeOffset.UnixEpoch,
                BsonDates.Read(d, "completed_at"),
                d.GetValue("logs_purged", BsonNull.Value).IsBsonDocument))
            .OrderBy(j => j.CreatedAt)
            .ToList();
    }

    public async Task<bool> DeleteAsync(string id, JobStatus expectedStatus, CancellationToken cancellationToken) =>
        (await jobs.DeleteOneAsync(Filter.Eq("id", id) & Filter.Eq("status", StorageJson.ToText(expectedStatus)), cancellationToken)).DeletedCount == 1;

    private static readonly JobStatus[] Finished = [JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled];

    private static FilterDefinition<BsonDocument> ToFilter(JobFilter filter)
    {
        var result = Filter.Empty;
        if (filter.Status is { } status)
        {
            result &= Filter.Eq("status", StorageJson.ToText(status));
        }

        if (filter.Command is { } command)
        {
            result &= Filter.Eq("command", command);
        }

        return result;
    }

    internal static BsonDocument ToDocument(JobRecord job)
    {
        // Serialise through System.Text.Json so the snake_case field names are the same as the embedded store's.
        var json = JsonSerializer.SerializeToNode(job, StorageJson.Options)!.AsObject();
        foreach (var date in DateFields)
        {
            json.Remove(date);
        }

        json.Remove("is_finished");
        var document = BsonDocument.Parse(json.ToJsonString());
        document["created_at"] = BsonDates.Write(job.CreatedAt);
        document["started_at"] = BsonDates.Write(job.StartedAt);
        document["completed_at"] = BsonDates.Write(job.CompletedAt);
        document["next_attempt_at"] = BsonDates.Write(job.NextAttemptAt);
        document["eta"] = BsonDates.Write(job.Eta);
        document["lease_expires_at"] = BsonDates.Write(job.LeaseExpiresAt);
        // The peer's documents carry `logs`; keep the field so its readers find one (lines live in job_logs).
        document["logs"] = new BsonArray();
        return document;
    }

    internal static JobRecord FromDocument(BsonDocument document)
    {
        var copy = document.DeepClone().AsBsonDocument;
        copy.Remove("_id");
        // The older console's inline lines are the log store's (MongoJobLogStore presents them as lines 1..N).
        copy.Remove("logs");
        foreach (var date in DateFields)
        {
            copy.Remove(date);
        }

        // The peer wrote null for fields it had no value for (`parameters: None`); a missing field takes
        // the record's default instead, so a non-null field such as Parameters never reads as null.
        foreach (var name in copy.Names.Where(n => copy[n].IsBsonNull).ToList())
        {
            copy.Remove(name);
        }

        // Attempts carry their own dates as strings already (written by System.Text.Json).
        var json = JsonNode.Parse(copy.ToJson(RelaxedJson))!.AsObject();
        var job = json.Deserialize<JobRecord>(StorageJson.Options)
            ?? throw new InvalidDataException("A stored job document is empty.");
        return job with
        {
            CreatedAt = BsonDates.Read(document, "created_at") ?? DateTimeOffset.UnixEpoch,
            StartedAt = BsonDates.Read(document, "started_at"),
            CompletedAt = BsonDates.Read(document, "completed_at"),
            NextAttemptAt = BsonDates.Read(document, "next_attempt_at"),
            Eta = BsonDates.Read(document, "eta"),
            LeaseExpiresAt = BsonDates.Read(document, "lease_expires_at"),
        };
    }

    private static readonly string[] DateFields = ["created_at", "started_at", "completed_at", "next_attempt_at", "eta", "lease_expires_at"];
}
