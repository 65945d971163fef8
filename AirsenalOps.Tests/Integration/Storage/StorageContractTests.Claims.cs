using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Integration.Storage;

/// <summary>Claims: what several consoles on one store agree on (an occurrence runs once, a revocation is seen).</summary>
public abstract partial class StorageContractTests
{
    private static readonly DateTimeOffset ClaimNow = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Claim_OfRacingConsoles_ExactlyOneWins_UntilItExpires()
    {
        var key = "schedule:s1:" + StorageJson.FormatDate(ClaimNow);
        var racers = Enumerable.Range(0, 8)
            .Select(i => Storage.Claims.TryClaimAsync(new ClaimRecord(key, "console-" + i, ClaimNow.AddMinutes(5)), ClaimNow, None));
        var won = await Task.WhenAll(racers);

        Assert.Single(won, w => w);
        var holder = (await Storage.Claims.GetAsync(key, ClaimNow, None))!.Holder;
        Assert.Equal("console-" + Array.IndexOf(won, true), holder);
        Assert.False(await Storage.Claims.TryClaimAsync(new ClaimRecord(key, "late", ClaimNow.AddMinutes(5)), ClaimNow.AddMinutes(4), None));
        Assert.True(await Storage.Claims.TryClaimAsync(new ClaimRecord("other", "late", ClaimNow.AddMinutes(5)), ClaimNow, None));

        // Expired: as good as absent, and taken again by one only.
        Assert.Null(await Storage.Claims.GetAsync(key, ClaimNow.AddMinutes(5), None));
        var again = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(i => Storage.Claims.TryClaimAsync(new ClaimRecord(key, "next-" + i, ClaimNow.AddMinutes(20)), ClaimNow.AddMinutes(6), None)));
        Assert.Single(again, w => w);
        Assert.StartsWith("next-", (await Storage.Claims.GetAsync(key, ClaimNow.AddMinutes(6), None))!.Holder, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claim_PutOverwrites_IsSeenAfterAReopen_AndExpiredOnesAreSwept()
    {
        await Storage.Claims.PutAsync(new ClaimRecord("session:abc", "revoked", ClaimNow.AddHours(12)), None);
        await Storage.Claims.PutAsync(new ClaimRecord("marker", "1", ClaimNow.AddHours(1)), None);
        await Storage.Claims.PutAsync(new ClaimRecord("marker", "2", ClaimNow.AddHours(2)), None);
        await Storage.Claims.PutAsync(new ClaimRecord("old", "x", ClaimNow.AddSeconds(-1)), None);

        var reopened = await ReopenAsync();
        Assert.Equal(new ClaimRecord("session:abc", "revoked", ClaimNow.AddHours(12)), await reopened.Claims.GetAsync("session:abc", ClaimNow, None));
        Assert.Equal("2", (await reopened.Claims.GetAsync("marker", ClaimNow.AddMinutes(90), None))!.Holder);
        Assert.Null(await reopened.Claims.GetAsync("old", ClaimNow, None));
        Assert.Null(await reopened.Claims.GetAsync("unknown", ClaimNow, None));

        Assert.Equal(1, await reopened.Claims.DeleteExpiredAsync(ClaimNow, None));
        Assert.Equal(2, await reopened.Claims.DeleteExpiredAsync(ClaimNow.AddHours(12), None));
        // A swept key is free again.
        Assert.True(await reopened.Claims.TryClaimAsync(new ClaimRecord("session:abc", "y", ClaimNow.AddDays(1)), ClaimNow, None));
    }
}
