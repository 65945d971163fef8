using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Jobs;

/// <summary>What a job's status is shown as: a pending job waiting for its retry reads "retrying".</summary>
public static class JobDisplay
{
    public const string Retrying = "retrying";

    public static bool IsWaitingRetry(JobRecord job) =>
        job.Status == JobStatus.Pending && job.RetryCount > 0 && job.NextAttemptAt is not null;

    /// <summary>"Retry 1 of 3": the one wording of a retry, in the log and on the pages (retries, not attempts).</summary>
    public static string Retry(int number, int max) => $"Retry {number} of {max}";

    public static string Status(JobRecord job) =>
        IsWaitingRetry(job) ? Retrying : StorageJson.ToText(job.Status);
}
