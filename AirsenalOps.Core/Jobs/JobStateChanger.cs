using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Jobs;

/// <summary>How a change through <see cref="JobStateChanger"/> went.</summary>
public enum JobChangeStatus
{
    /// <summary>The transition was written (or had nothing to write).</summary>
    Done,
    NotFound,
    Refused,

    /// <summary>Other writers kept changing the job: every compare-and-set lost.</summary>
    Contended,
}

/// <summary>The job as stored after the change (or as found, when nothing was written).</summary>
public sealed record JobChange(JobChangeStatus Status, JobRecord? Job, bool Written = false, string? Refusal = null);

/// <summary>
/// The one writer of job documents: each change is a <see cref="JobTransitions"/> function applied to the job as
/// stored now and written with a compare-and-set on its status, owner and lease (re-read and decided again when
/// another writer won), then its note is logged, the change published to the live feed and, when asked, audited.
/// </summary>
public sealed class JobStateChanger(IStorage storage, JobNotifier notifier, AuditLog audit, TimeProvider time)
{
    /// <summary>Rounds of read, decide, compare-and-set before giving up to a writer that keeps winning.</summary>
    private const int Rounds = 10;

    /// <summary>Stores a new job, publishes it and audits its creation.</summary>
    public async Task CreateAsync(JobRecord job, AuditAction action, IReadOnlyDictionary<string, string> details, CancellationToken cancellationToken)
    {
        await storage.Jobs.InsertAsync(job, cancellationToken);
        notifier.Publish(new JobChangedEvent(job));
        await audit.RecordAsync(action, job.Id, details);
    }

    /// <summary>Claims the oldest runnable pending job for this console (atomically in the store, see <see cref="JobTransitions.Claim"/>).</summary>
    public async Task<JobRecord?> ClaimNextAsync(JobClaim claim, CancellationToken cancellationToken)
    {
        var job = await storage.Jobs.ClaimNextAsync(claim, cancellationToken);
        if (job is not null)
        {
            notifier.Publish(new JobChangedEvent(job));
        }

        return job;
    }

    /// <summary>
    /// Applies <paramref name="transition"/> to the job as stored now. An action done (written or unchanged) is
    /// audited as <paramref name="auditAs"/>; a refused one changed nothing and is not an entry.
    /// </summary>
    public async Task<JobChange> ChangeAsync(string id, Func<JobRecord, JobTransition> transition, CancellationToken cancellationToken, AuditAction? auditAs = null)
    {
        var change = await ApplyAsync(id, transition, cancellationToken);
        if (auditAs is { } action && change is { Status: JobChangeStatus.Done, Job: { } job })
        {
            await audit.RecordAsync(action, id, new Dictionary<string, string> { ["command"] = job.Command, ["status"] = StorageJson.ToText(job.Status) });
        }

        return change;
    }

    /// <summary>Appends one console line to a job's log outside an attempt's writer (retry notes, recovery, late conclusions).</summary>
    public async Task NoteAsync(string jobId, string text, SecretMasker? masker = null)
    {
        var seq = await storage.Logs.LastSeqAsync(jobId, CancellationToken.None) + 1;
        LogLine[] lines = [new(seq, time.GetUtcNow(), LogSource.System, (masker ?? SecretMasker.Empty).Apply(text))];
        await storage.Logs.AppendAsync(jobId, lines, CancellationToken.None);
        notifier.Publish(new JobLinesEvent(jobId, lines));
    }

    private async Task<JobChange> ApplyAsync(string id, Func<JobRecord, JobTransition> transition, CancellationToken cancellationToken)
    {
        JobRecord? current = null;
        for (var round = 0; round < Rounds; round++)
        {
            current = await storage.Jobs.GetAsync(id, cancellationToken);
            if (current is null)
            {
                return new JobChange(JobChangeStatus.NotFound, null);
            }

            var decision = transition(current);
            switch (decision.Kind)
            {
                case JobTransitionKind.Unchanged:
                    return new JobChange(JobChangeStatus.Done, current);
                case JobTransitionKind.Refused:
                    return new JobChange(JobChangeStatus.Refused, current, Refusal: decision.Refusal);
            }

            var next = decision.Next!;
            // Another writer (a cancel, the end of the run, the owner renewing its lease, another console
            // recovering the job) may have changed it since the read: then decide again.
            if (await storage.Jobs.UpdateAsync(next, JobExpectation.AsRead(current), cancellationToken))
            {
                if (decision.Note is { } note)
                {
                    await NoteAsync(id, note);
                }

                if (!decision.Quiet)
                {
                    notifier.Publish(new JobChangedEvent(next));
                }

                return new JobChange(JobChangeStatus.Done, next, Written: true);
            }
        }

        return new JobChange(JobChangeStatus.Contended, current);
    }
}
