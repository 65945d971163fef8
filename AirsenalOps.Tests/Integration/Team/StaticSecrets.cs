using AirsenalOps.Core.Secrets;

namespace AirsenalOps.Tests.Integration.Team;

/// <summary>The tests' own secret reader: the values they give, nothing else.</summary>
internal sealed class StaticSecrets(IReadOnlyDictionary<string, string> values) : ISecretReader
{
    public Task<IReadOnlyDictionary<string, string>> ReadAllAsync(CancellationToken cancellationToken) => Task.FromResult(values);
}
