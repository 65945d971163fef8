using AirsenalOps.Core.Auth;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Unit.Auth;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void FiveFailures_BlockTheClient_UntilTheFirstLeavesTheWindow()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(throttle.RetryAfter("1.2.3.4"));
            throttle.RecordFailure("1.2.3.4");
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(TimeSpan.FromMinutes(10), throttle.RetryAfter("1.2.3.4"));
        Assert.Null(throttle.RetryAfter("5.6.7.8"));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(throttle.RetryAfter("1.2.3.4"));
    }

    [Fact]
    public void Reset_ForgetsFailures()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < 5; i++)
        {
            throttle.RecordFailure("c");
        }

        throttle.Reset("c");

        Assert.Null(throttle.RetryAfter("c"));
    }

    [Fact]
    public void TryBegin_CountsTheAttemptFirst_AndForgiveTakesBackOnlyTheNewest()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            Assert.Null(throttle.TryBegin("c"));
        }

        Assert.NotNull(throttle.TryBegin("c"));
        throttle.Forgive("c");
        Assert.Null(throttle.TryBegin("c"));
        Assert.NotNull(throttle.TryBegin("c"));
        throttle.Reset("c");
        Assert.Null(throttle.TryBegin("c"));
    }
}
