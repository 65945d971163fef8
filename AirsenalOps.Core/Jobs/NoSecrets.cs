using AirsenalOps.Core.Secrets;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// The secret reader used when no secrets service is registered: jobs then run without secrets.
/// The secrets service's own registration replaces it.
/// </summary>
internal sealed class NoSecrets : ISecretReader
{
    public Task<IReadOnlyDictionary<string, string>> ReadAllAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
}
