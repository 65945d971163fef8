using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Api;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Unit.Health;

public sealed class StorageProbeTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly PingCountingStorage _storage = new();

    [Fact]
    public async Task AHealthyAnswer_IsReusedForASecond_ThenStorageIsAskedAgain()
    {
        var probe = new StorageProbe(_storage, _time);

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
        var probe = new StorageProbe(_storage, _time);
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

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PingAsync(CancellationToken cancellationToken)
        {
            Pings++;
            return Down ? Task.FromException(new IOException("store is down")) : Task.CompletedTask;
        }
    }
}
