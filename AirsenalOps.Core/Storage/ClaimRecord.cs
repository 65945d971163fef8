namespace AirsenalOps.Core.Storage;

/// <summary>
/// A named fact every console on the store sees: "this occurrence is mine", "this session is revoked". It counts
/// until <paramref name="ExpiresAt"/>; after that it is as good as absent and may be taken again or swept.
/// </summary>
/// <param name="Key">What is claimed, e.g. <c>schedule:{id}:{due}</c>; at most 512 characters.</param>
/// <param name="Holder">Who holds it, or a small value that goes with it.</param>
public sealed record ClaimRecord(string Key, string Holder, DateTimeOffset ExpiresAt);
