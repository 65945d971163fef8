namespace AirsenalOps.Core.Storage;

/// <summary>
/// A job store that counts its writes, so whoever caches something read from it (GET /api/jobs keeps its
/// serialised answer) can tell in one read whether it may be out of date. Each adapter hands out its job
/// store wrapped in this and nothing else: every write of this process passes here, and a write method
/// added to <see cref="IJobStore"/> does not compile until it is added here too.
/// </summary>
public sealed class VersionedJobStore(IJobStore inner, bool seesEveryWrite) : IJobStore
{
    private long _version;

    /// <summary>
    /// Changes after each write, once the store has it: a read that starts after a write returned sees a
    /// new version. A write that threw counts too (it may have reached the store before failing).
    /// </summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>
    /// True when this process is the store's only writer (the embedded file in DATA_DIR); false when other
    /// console instances may write the same store (a shared MongoDB), whose writes <see cref="Version"/> never sees.
    /// </summary>
    public bool SeesEveryWrite => seesEveryWrite;

    public async Task InsertAsync(JobRecord job, CancellationToken cancellationToken)
    {
        try
        {
            await inner.InsertAsync(job, cancellationToken);
        }
        finally
        {
            Bump();
        }
    }

    public Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListAsync(JobFilter filter, CancellationToken cancellationToken) => inner.ListAsync(filter, cancellationToken);

    public Task<long> CountAsync(JobFilter filter, CancellationToken cancellationToken) => inner.CountAsync(filter, cancellationToken);

    public async Task<JobRecord?> ClaimNextAsync(JobClaim claim, CancellationToken cancellationToken)
    {
        JobRecord? claimed = null;
        var completed = false;
        try
        {
            claimed = await inner.ClaimNextAsync(claim, cancellationToken);
            completed = true;
            return claimed;
        }
        finally
        {
            // The engine polls every second: a claim that found nothing wrote nothing, and must not
            // make every cached listing stale.
            if (!completed || claimed is not null)
            {
                Bump();
            }
        }
    }

    public async Task<bool> UpdateAsync(JobRecord job, JobExpectation? expected, CancellationToken cancellationToken)
    {
        var updated = true;
        try
        {
            updated = await inner.UpdateAsync(job, expected, cancellationToken);
            return updated;
        }
        finally
        {
            // False means the compare-and-set matched nothing: the stored job is unchanged.
            if (updated)
            {
                Bump();
            }
        }
    }

    public Task<IReadOnlyList<FinishedJob>> ListFinishedAsync(CancellationToken cancellationToken) => inner.ListFinishedAsync(cancellationToken);

    public async Task<bool> DeleteAsync(string id, JobStatus expectedStatus, CancellationToken cancellationToken)
    {
        var deleted = true;
        try
        {
            deleted = await inner.DeleteAsync(id, expectedStatus, cancellationToken);
            return deleted;
        }
        finally
        {
            if (deleted)
            {
                Bump();
            }
        }
    }

    private void Bump() => Interlocked.Increment(ref _version);
}
