namespace AirsenalOps.Core.Secrets;

/// <summary>
/// Decrypted secrets for the job runner. The secrets service implements it; the job engine depends
/// only on this, so it can be tested with its own values.
/// </summary>
public interface ISecretReader
{
    /// <summary>Every secret that has a value, decrypted, by key.</summary>
    Task<IReadOnlyDictionary<string, string>> ReadAllAsync(CancellationToken cancellationToken);
}
