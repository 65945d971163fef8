using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Schedules;

/// <summary>What the scheduler needs of the job engine: start a job, read a job's status.</summary>
public interface IScheduledJobs
{
    /// <summary>Queues a job; throws <see cref="Jobs.Commands.JobValidationException"/> for bad parameters.</summary>
    Task<string> StartAsync(string command, JsonObject parameters, CancellationToken cancellationToken);

    /// <summary>As above, the job marked as started by <paramref name="schedule"/>.</summary>
    Task<string> StartAsync(string command, JsonObject parameters, ScheduleMark schedule, CancellationToken cancellationToken) =>
        StartAsync(command, parameters, cancellationToken);

    /// <summary>Null when the job does not exist (any more).</summary>
    Task<JobStatus?> GetStatusAsync(string jobId, CancellationToken cancellationToken);
}

/// <summary>The real engine behind <see cref="IScheduledJobs"/>.</summary>
public sealed class EngineScheduledJobs(JobService jobs) : IScheduledJobs
{
    public async Task<string> StartAsync(string command, JsonObject parameters, CancellationToken cancellationToken) =>
        (await jobs.CreateAsync(command, parameters, cancellationToken)).Id;

    public async Task<string> StartAsync(string command, JsonObject parameters, ScheduleMark schedule, CancellationToken cancellationToken) =>
        (await jobs.CreateAsync(command, parameters, schedule, cancellationToken)).Id;

    public async Task<JobStatus?> GetStatusAsync(string jobId, CancellationToken cancellationToken) =>
        (await jobs.GetAsync(jobId, cancellationToken))?.Status;
}
