using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Unit.Health;

public sealed class StorageProbeTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly PingCountingStorage _storage = new();
    private readonly FakeLogger<StorageProbe> _logger = new();

    [Fact]
    public async Task AHealthyAnswer_IsReusedForASecond_ThenStorageIsAskedAgain()
    {
        var probe = new StorageProbe(_storage, _time, _logger);

        Assert.True((await probe.CheckAsync(CancellationToken.None)).Ok);
        _time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Ok);
        Assert.Equal(1, _storage.Pings);

        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Ok);
        Assert.Equal(2, _storage.Pings);
    }

    [Fact]
    public async Task AFailure_IsNeverReused_SoRecoveryShowsAtOnce()
    {
        var probe = new StorageProbe(_storage, _time, _logger);
        _storage.Down = true;

        var down = await probe.CheckAsync(CancellationToken.None);
        Assert.False(down.Ok);
        Assert.Equal("IOException: store is down", down.Error);

        _storage.Down = false;
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Ok);
        Assert.Equal(2, _storage.Pings);

        // A failure after a success drops the remembered success too.
        _time.Advance(StorageProbe.Fresh);
        _storage.Down = true;
        Assert.False((await probe.CheckAsync(CancellationToken.None)).Ok);
        _storage.Down = false;
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Ok);
        Assert.Equal(4, _storage.Pings);
    }

    [Fact]
    public async Task AFailureAndARecovery_AreLoggedOnceEach_NotOncePerPoll()
    {
        var probe = new StorageProbe(_storage, _time, _logger);
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Ok);
        Assert.Equal(0, _logger.Collector.Count);

        _storage.Down = true;
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(StorageProbe.Fresh);
            Assert.False((await probe.CheckAsync(CancellationToken.None)).Ok);
        }

        var failing = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Error, failing.Level);
        Assert.Equal("Health: storage (sqlite) is failing: IOException: store is down", failing.Message);

        _storage.Down = false;
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Ok);
        _time.Advance(StorageProbe.Fresh);
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Ok);
        Assert.Equal(2, _logger.Collector.Count);
        Assert.Equal((LogLevel.Information, "Health: storage (sqlite) answers again"), (_logger.LatestRecord.Level, _logger.LatestRecord.Message));
    }

    /// <summary>Only the ping matters here: the stores are never touched.</summary>
    private sealed class PingCountingStorage : IStorage
    {
        public bool Down { get; set; }

        public int Pings { get; private set; }

        public string Kind => "sqlite";

        public IJobStore Jobs => throw new NotSupportedException();

        public IJobLogStore Logs => throw new NotSupportedException();

        public ISecretStore Secrets => throw new NotSupportedException();

        public ISchedulesStore Schedules => throw new NotSupportedException();

        public INotificationsStore Notifications => throw new NotSupportedException();

        public IAuditStore Audit => throw new NotSupportedException();

        public IClaimStore Claims => throw new NotSupportedException();

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PingAsync(CancellationToken cancellationToken)
        {
            Pings++;
            return Down ? Task.FromException(new IOException("store is down")) : Task.CompletedTask;
        }
    }
}
