using System.Net;
using System.Security.Claims;
using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Support;
using AirsenalOps.Web.Audit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace AirsenalOps.Tests.Unit.Audit;

public sealed class AuditActorTests
{
    [Fact]
    public void Outside_AnyRequestOrCircuit_TheActorIsTheSystem()
    {
        Assert.Equal(AuditActor.System, AuditActor.Current);
        Assert.Equal("system", AuditActor.Current.Name);
    }

    [Fact]
    public async Task Use_FlowsAcrossAwaits_AndEndsWithItsScope_WithoutReachingAnotherFlow()
    {
        var alice = new AuditActor("alice@example.com", "192.0.2.1");
        AuditActor? seenElsewhere = null;
        var gate = new TaskCompletionSource();
        var elsewhere = Task.Run(async () =>
        {
            await gate.Task;
            seenElsewhere = AuditActor.Current;
        });

        using (AuditActor.Use(alice))
        {
            await Task.Yield();
            Assert.Equal(alice, AuditActor.Current);
            gate.SetResult();
            await elsewhere;
        }

        Assert.Equal(AuditActor.System, AuditActor.Current);
        Assert.Equal(AuditActor.System, seenElsewhere);
    }

    [Fact]
    public async Task CircuitEvents_RunAsTheCircuitsUser_FromTheConnectionsAddress()
    {
        var http = new HttpContextAccessor { HttpContext = new DefaultHttpContext() };
        http.HttpContext.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.44");
        var handler = new AuditCircuitHandler(new FixedUser("admin@example.com"), http);
        AuditActor? during = null;

        await handler.OnConnectionUpAsync(null!, CancellationToken.None);
        http.HttpContext = null;
        var run = handler.CreateInboundActivityHandler(_ =>
        {
            during = AuditActor.Current;
            return Task.CompletedTask;
        });
        await run(null!);

        Assert.Equal(new AuditActor("admin@example.com", "192.0.2.44"), during);
        Assert.Equal(AuditActor.System, AuditActor.Current);
    }

    [Fact]
    public async Task CircuitEvents_WithoutASignedInUser_RunAsAnonymous()
    {
        var handler = new AuditCircuitHandler(new FixedUser(null), new HttpContextAccessor());
        AuditActor? during = null;

        await handler.CreateInboundActivityHandler(_ =>
        {
            during = AuditActor.Current;
            return Task.CompletedTask;
        })(null!);

        Assert.Equal(new AuditActor("anonymous", "unknown"), during);
    }

    [Fact]
    public async Task Record_UsesTheCurrentActor_ClipsLongText_AndSurvivesAFailingStore()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 22, 0, 0, TimeSpan.Zero));
        var log = MemoryAuditStore.NewLog(time, out var store);

        using (AuditActor.Use(new AuditActor("admin@example.com", "192.0.2.9")))
        {
            await log.RecordAsync(AuditAction.JobCreated, new string('x', 2000), new Dictionary<string, string> { ["command"] = "predict" });
        }

        var entry = Assert.Single(store.Entries);
        Assert.Equal("admin@example.com", entry.Actor);
        Assert.Equal("192.0.2.9", entry.Client);
        Assert.Equal(time.GetUtcNow(), entry.At);
        Assert.Equal(501, entry.Target.Length);
        Assert.Equal("predict", entry.Details["command"]);

        var failing = new AuditLog(new FailingStore(), time, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditLog>.Instance);
        await failing.RecordAsync(AuditAction.SecretSet, "FPL_LOGIN");
    }

    [Fact]
    public async Task Read_BoundsTheLimit_AndIgnoresABlankActor()
    {
        var log = MemoryAuditStore.NewLog(TimeProvider.System, out _);
        for (var i = 0; i < 205; i++)
        {
            await log.RecordAsync(AuditAction.SecretSet, "K" + i);
        }

        var page = await log.ReadAsync(new AuditQuery(Actor: "  ", Skip: -3, Limit: 10_000), CancellationToken.None);

        Assert.Equal(AuditLog.MaxLimit, page.Entries.Count);
        Assert.Equal(205, page.Total);
        Assert.Equal("K204", page.Entries[0].Target);
    }

    [Theory]
    [InlineData(AuditAction.LoginSucceeded, "login_succeeded")]
    [InlineData(AuditAction.TransfersApplied, "transfers_applied")]
    [InlineData(AuditAction.BackupRestored, "backup_restored")]
    public void Actions_ReadAsSnakeCase_AndParseBack(AuditAction action, string text)
    {
        Assert.Equal(text, AuditActions.ToText(action));
        Assert.True(AuditActions.TryParse(text.ToUpperInvariant(), out var parsed));
        Assert.Equal(action, parsed);
        Assert.Contains(text, AuditActions.All);
        Assert.False(AuditActions.TryParse("nothing", out _));
    }

    private sealed class FixedUser(string? email) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(email is null
                ? new ClaimsPrincipal(new ClaimsIdentity())
                : new ClaimsPrincipal(new ClaimsIdentity([new Claim("email", email)], "test"))));
    }

    private sealed class FailingStore : IAuditStore
    {
        public Task AppendAsync(AuditRecord entry, CancellationToken cancellationToken) => throw new IOException("disk full");

        public Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken) => throw new IOException("disk full");

        public Task<long> CountAsync(AuditQuery query, CancellationToken cancellationToken) => throw new IOException("disk full");
    }
}
