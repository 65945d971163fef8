using System.Net.WebSockets;
using System.Text;
using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Integration.Jobs;
using AirsenalOps.Web.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Auth;

/// <summary>
/// Issue 13.3: an open /ws/jobs/{id} stayed open past its token's expiry and past a password change. The
/// socket now closes with 1008 and the reason, while the job's lines are still flowing.
/// </summary>
public sealed class SocketLeaseTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OpenSocket_IsClosedWith1008_WhenItsTokenExpires()
    {
        // Long enough to log in and connect on a loaded machine, short enough to wait for.
        using var factory = new JobsFactory(new Dictionary<string, string?> { ["JWT_EXPIRATION_SECONDS"] = "4" });
        var token = await factory.TokenAsync();
        var expires = DateTimeOffset.UtcNow.AddSeconds(4);
        var job = await StartEndlessJobAsync(factory);

        var (lines, close) = await ReadUntilCloseAsync(factory, job, token);

        Assert.True(lines > 0, "the socket was refused at connect, not closed while open");
        Assert.Equal((WebSocketCloseStatus)1008, close.CloseStatus);
        Assert.Equal(AdminSocketLeases.ExpiredReason, close.CloseStatusDescription);
        Assert.True(DateTimeOffset.UtcNow >= expires.AddSeconds(-1), "closed before the token expired");
        await factory.Jobs.CancelAsync(job, CancellationToken.None);
    }

    [Fact]
    public async Task OpenSocket_IsClosedWith1008_WhenThePasswordChanges()
    {
        using var factory = new JobsFactory(
            new Dictionary<string, string?> { ["APP_ADMIN_EMAIL"] = null, ["APP_ADMIN_PASSWORD_HASH"] = null },
            services => services.AddSingleton(new PasswordHasher(4)));
        var admin = factory.Services.GetRequiredService<AdminAccount>();
        Assert.True(await admin.CreateFirstAsync("owner@example.com", "first password", CancellationToken.None));
        using var login = factory.CreateClient();
        var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(login, new Uri("/api/auth/login", UriKind.Relative), new { email = "owner@example.com", password = "first password" });
        var token = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content)).GetProperty("token").GetString()!;
        var job = await StartEndlessJobAsync(factory);

        var changed = false;
        var (lines, close) = await ReadUntilCloseAsync(factory, job, token, async () =>
        {
            if (!changed)
            {
                changed = true;
                Assert.Equal(PasswordChangeOutcome.Changed, (await admin.ChangePasswordAsync("first password", "second password", CancellationToken.None)).Outcome);
            }
        });

        Assert.True(changed && lines > 0);
        Assert.Equal((WebSocketCloseStatus)1008, close.CloseStatus);
        Assert.Equal(AdminTokenValidator.StaleDetail, close.CloseStatusDescription);
        await factory.Jobs.CancelAsync(job, CancellationToken.None);
    }

    [Fact]
    public async Task OnKestrel_ARealClientSocket_GetsTheCloseFrameWithItsReason_WhenTheTokenExpires()
    {
        // A real socket (Kestrel's WebSocket, not the test server's): the close frame goes out while the
        // server's receive is pending, and the client's answer completes the handshake.
        using var console = new Hostile.HostileConsole(new Dictionary<string, string?> { ["JWT_EXPIRATION_SECONDS"] = "4" });
        var token = await console.TokenAsync();
        using var client = console.Client(token);
        using var created = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(client, new Uri("/api/jobs", UriKind.Relative), new { command = "update_db", parameters = new { } });
        created.EnsureSuccessStatusCode();
        var jobId = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(created.Content)).GetProperty("id").GetString()!;
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(new UriBuilder(console.BaseAddress) { Scheme = "ws", Path = "/ws/jobs/" + jobId, Query = "token=" + token }.Uri, timeout.Token);

        var buffer = new byte[64 * 1024];
        var messages = 0;
        WebSocketReceiveResult result;
        while ((result = await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
        {
            messages++;
        }

        Assert.True(messages > 0, "refused at connect, not closed while open");
        Assert.Equal((WebSocketCloseStatus)1008, socket.CloseStatus);
        Assert.Equal(AdminSocketLeases.ExpiredReason, socket.CloseStatusDescription);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
    }

    private static async Task<string> StartEndlessJobAsync(JobsFactory factory)
    {
        var job = await factory.Jobs.CreateAsync("endless", null, CancellationToken.None);
        await factory.WaitForJobAsync(job.Id, j => j.Status == JobStatus.Running);
        return job.Id;
    }

    /// <summary>Reads messages (calling <paramref name="onMessage"/> for each) until the server's close frame, then answers it.</summary>
    private static async Task<(int Messages, WebSocketReceiveResult Close)> ReadUntilCloseAsync(JobsFactory factory, string jobId, string token, Func<Task>? onMessage = null)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var socket = await factory.Server.CreateWebSocketClient()
            .ConnectAsync(new Uri(factory.Server.BaseAddress, $"/ws/jobs/{jobId}?token={Uri.EscapeDataString(token)}"), timeout.Token);
        var buffer = new byte[64 * 1024];
        var messages = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                return (messages, result);
            }

            if (result.EndOfMessage)
            {
                messages++;
                Assert.StartsWith("{", Encoding.UTF8.GetString(buffer, 0, Math.Min(result.Count, 1)), StringComparison.Ordinal);
                if (onMessage is not null)
                {
                    await onMessage();
                }
            }
        }
    }
}
