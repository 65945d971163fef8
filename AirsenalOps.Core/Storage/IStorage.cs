namespace AirsenalOps.Core.Storage;

/// <summary>
/// Everything the console persists, behind one port with an embedded (SQLite) and a MongoDB adapter.
/// Each operation touches one document or row atomically: no multi-document transactions, so several
/// console instances can share one MongoDB.
/// </summary>
public interface IStorage
{
    /// <summary>"sqlite" or "mongodb".</summary>
    string Kind { get; }

    IJobStore Jobs { get; }

    IJobLogStore Logs { get; }

    ISecretStore Secrets { get; }

    ISchedulesStore Schedules { get; }

    INotificationsStore Notifications { get; }

    /// <summary>The audit log: append and read, nothing else.</summary>
    IAuditStore Audit { get; }

    /// <summary>Claims and revocations shared by every console on this store.</summary>
    IClaimStore Claims { get; }

    /// <summary>Creates tables, collections and indexes; safe to call more than once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Throws when the store does not answer.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Throws when the store answers but cannot write (a full disk under the embedded store: reads still work there).
    /// A store on a server has nothing to check beyond <see cref="PingAsync"/>.
    /// </summary>
    Task ProbeWriteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public interface IJobStore
{
    Task InsertAsync(JobRecord job, CancellationToken cancellationToken);

    Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<JobRecord>> ListAsync(JobFilter filter, CancellationToken cancellationToken);

    Task<long> CountAsync(JobFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically moves the oldest pending job whose <see cref="JobRecord.NextAttemptAt"/> has come
    /// to <see cref="JobStatus.Running"/> for <see cref="JobClaim.Owner"/>; null when there is none.
    /// </summary>
    Task<JobRecord?> ClaimNextAsync(JobClaim claim, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="job"/> over the stored one if the stored job is still as <paramref name="expected"/>
    /// says (its status; its owner and lease too when asked; anything when null). False when it had changed
    /// or the job is unknown: the caller lost a race and must re-read.
    /// </summary>
    Task<bool> UpdateAsync(JobRecord job, JobExpectation? expected, CancellationToken cancellationToken);

    /// <summary>
    /// Every finished job (completed, failed, cancelled) in a few fields, oldest created first: what retention
    /// decides on, without reading whole documents.
    /// </summary>
    Task<IReadOnlyList<FinishedJob>> ListFinishedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the job document if its stored status is still <paramref name="expectedStatus"/>; false when it
    /// had changed (a retry queued it again) or the job is unknown. Its log lines are the caller's to delete.
    /// </summary>
    Task<bool> DeleteAsync(string id, JobStatus expectedStatus, CancellationToken cancellationToken);
}

public interface IJobLogStore
{
    /// <summary>Appends lines numbered by the caller (one writer per job).</summary>
    Task AppendAsync(string jobId, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> lines with a sequence number above <paramref name="afterSeq"/>, in order.</summary>
    Task<IReadOnlyList<LogLine>> ReadAsync(string jobId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="count"/> lines, in order.</summary>
    Task<IReadOnlyList<LogLine>> ReadTailAsync(string jobId, int count, CancellationToken cancellationToken);

    Task<long> CountAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The highest stored sequence number, 0 when the job has no lines.</summary>
    Task<long> LastSeqAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Deletes a job's lines and returns how many there were.</summary>
    Task<long> DeleteAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Lines stored across all jobs.</summary>
    Task<long> CountAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The bytes each job's lines take as this store keeps them (the embedded store: its compressed chunks;
    /// MongoDB: the UTF-8 text of its line documents), for jobs that have lines.
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> SizesAsync(CancellationToken cancellationToken);
}

public interface ISecretStore
{
    Task<IReadOnlyList<SecretRecord>> ListAsync(CancellationToken cancellationToken);

    Task<SecretRecord?> GetAsync(string key, CancellationToken cancellationToken);

    Task UpsertAsync(SecretRecord secret, CancellationToken cancellationToken);

    /// <summary>False when there was no such key.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);
}

public interface ISchedulesStore
{
    /// <summary>Oldest first.</summary>
    Task<IReadOnlyList<ScheduleRecord>> ListAsync(CancellationToken cancellationToken);

    Task<ScheduleRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the schedule with this id.</summary>
    Task UpsertAsync(ScheduleRecord schedule, CancellationToken cancellationToken);

    /// <summary>False when there was no such schedule.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}

public interface INotificationsStore
{
    /// <summary>Oldest first.</summary>
    Task<IReadOnlyList<WebhookRecord>> ListWebhooksAsync(CancellationToken cancellationToken);

    Task<WebhookRecord?> GetWebhookAsync(string id, CancellationToken cancellationToken);

    Task UpsertWebhookAsync(WebhookRecord webhook, CancellationToken cancellationToken);

    Task<bool> DeleteWebhookAsync(string id, CancellationToken cancellationToken);

    /// <summary>Appends a delivery to the log, or replaces the one with its id (a retrying delivery is written again after each try).</summary>
    Task AddDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken);

    /// <summary>Newest first, optionally of one webhook.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListDeliveriesAsync(string? webhookId, int skip, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// The audit log. Append-only by design: there is no update or delete, and the embedded adapter's
/// table refuses both even to raw SQL.
/// </summary>
public interface IAuditStore
{
    Task AppendAsync(AuditRecord entry, CancellationToken cancellationToken);

    /// <summary>Newest first (entries of the same instant: the last appended first).</summary>
    Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>How many entries match the query's filters (its paging is ignored).</summary>
    Task<long> CountAsync(AuditQuery query, CancellationToken cancellationToken);
}

/// <summary>
/// What several consoles on one store agree on without a lock: the first to claim a key holds it until it
/// expires (a schedule's occurrence, a webhook's event), and facts all of them must see (a revoked session).
/// Each operation is one atomic write or read of one key.
/// </summary>
public interface IClaimStore
{
    /// <summary>
    /// Takes <see cref="ClaimRecord.Key"/> for <see cref="ClaimRecord.Holder"/> if nobody holds it, or its claim
    /// expired by <paramref name="now"/>. True for exactly one of several consoles that race for the same key.
    /// </summary>
    Task<bool> TryClaimAsync(ClaimRecord claim, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Writes the claim whoever held the key (a revocation, a marker).</summary>
    Task PutAsync(ClaimRecord claim, CancellationToken cancellationToken);

    /// <summary>The claim on the key, or null when there is none or it expired by <paramref name="now"/>.</summary>
    Task<ClaimRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the claims that expired by <paramref name="now"/>; returns how many.</summary>
    Task<long> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
