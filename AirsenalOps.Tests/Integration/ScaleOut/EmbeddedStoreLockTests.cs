using AirsenalOps.Core;
using AirsenalOps.Core.Storage.Sqlite;
using AirsenalOps.Tests.Integration.Faults;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration.ScaleOut;

/// <summary>The embedded store serves one console: a second one on the same DATA_DIR refuses to start, with one line saying why.</summary>
public sealed class EmbeddedStoreLockTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task SecondConsoleOnTheSameDataDir_RefusesToStart_WithOneLine_AndTheFirstGoesOn()
    {
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 0);
        await using var first = await ConsoleProcess.StartAsync(settings);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ConsoleProcess.StartAsync(settings));

        var stderr = refused.Message[(refused.Message.IndexOf("stderr: ", StringComparison.Ordinal) + "stderr: ".Length)..].Trim();
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("is in use by another console", line, StringComparison.Ordinal);
        Assert.Contains("MONGO_URL", line, StringComparison.Ordinal);
        Assert.False(first.HasExited);
        var id = await first.CreateJobAsync("check_data");
        Assert.Equal("completed", (await first.WaitForJobAsync(id, ConsoleProcess.IsFinished)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task SecondConsoleStarts_OnceTheFirstIsKilled()
    {
        var settings = ConsoleProcess.Settings(_root.Path, maxRetries: 0);
        var first = await ConsoleProcess.StartAsync(settings);
        await first.KillAsync();
        await first.DisposeAsync();

        // The operating system drops the lock with the process: no stale lock file to delete by hand.
        await using var second = await ConsoleProcess.StartAsync(settings);
        Assert.False(second.HasExited);
    }

    [Fact]
    public void Lock_IsExclusive_UntilDisposed()
    {
        var dataDir = Path.Combine(_root.Path, "data");
        var held = EmbeddedStoreLock.Acquire(dataDir);
        var error = Assert.Throws<ConfigurationException>(() => EmbeddedStoreLock.Acquire(dataDir));
        Assert.Contains(dataDir, error.Message, StringComparison.Ordinal);

        held.Dispose();
        EmbeddedStoreLock.Acquire(dataDir).Dispose();
    }
}
