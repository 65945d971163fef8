namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>A console of its own for each test (the fake AIrsenal scripts as its CLI) and a client with the admin's token.</summary>
public abstract class AdminApiTest : IAsyncLifetime
{
    protected JobsFactory Factory { get; } = new();

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync() => Client = await Factory.AdminClientAsync();

    public Task DisposeAsync()
    {
        Client.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }
}
