namespace AirsenalOps.Core.Jobs;

/// <summary>Exponential backoff: base × 2^(attempt-1), ±10 % jitter, capped.</summary>
public static class RetryPolicy
{
    public const double Jitter = 0.1;

    /// <param name="failedAttempts">How many attempts have failed so far (1 after the first failure).</param>
    public static TimeSpan Delay(JobOptions options, int failedAttempts, double random)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var seconds = Math.Min(options.JobRetryDelaySeconds * Math.Pow(2, exponent), options.JobRetryMaxDelaySeconds);
        // Jitter keeps several consoles (or several failed jobs) from retrying in lockstep.
        seconds *= 1 + (Jitter * ((random * 2) - 1));
        return TimeSpan.FromSeconds(Math.Max(0, seconds));
    }
}
