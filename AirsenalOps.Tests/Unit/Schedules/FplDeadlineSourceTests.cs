using AirsenalOps.Core.Schedules;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Unit.Schedules;

public sealed class FplDeadlineSourceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Deadlines_AreReadOnceADay_AndAFailureKeepsTheLastList_ThenRetriesSooner()
    {
        var time = new FakeTimeProvider(T0);
        var reads = 0;
        var fail = false;
        IReadOnlyList<DateTimeOffset> answer = [T0.AddDays(3)];
        using var source = new FplDeadlineSource(
            _ =>
            {
                reads++;
                return fail ? throw new HttpRequestException("no route to FPL") : Task.FromResult(answer);
            },
            time,
            NullLogger<FplDeadlineSource>.Instance);

        Assert.Equal([T0.AddDays(3)], await source.GetDeadlinesAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromHours(23));
        answer = [T0.AddDays(4)];
        Assert.Equal([T0.AddDays(3)], await source.GetDeadlinesAsync(CancellationToken.None));
        Assert.Equal(1, reads);

        // A day later FPL has moved the deadline: the refreshed list has it.
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal([T0.AddDays(4)], await source.GetDeadlinesAsync(CancellationToken.None));

        fail = true;
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal([T0.AddDays(4)], await source.GetDeadlinesAsync(CancellationToken.None));
        Assert.Equal(3, reads);
        time.Advance(FplDeadlineSource.RetryAfterFailure - TimeSpan.FromMinutes(1));
        await source.GetDeadlinesAsync(CancellationToken.None);
        Assert.Equal(3, reads);
        fail = false;
        time.Advance(TimeSpan.FromMinutes(1));
        await source.GetDeadlinesAsync(CancellationToken.None);
        Assert.Equal(4, reads);
    }
}
