namespace AirsenalOps.Core.Storage;

/// <summary>
/// A secret as stored: <see cref="Value"/> is a Fernet token or, for rows the peer wrote
/// before it encrypted anything, plain text. Encryption is the secrets service's job.
/// </summary>
public sealed record SecretRecord(string Key, string Value, DateTimeOffset? UpdatedAt);
