using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Configuration;
using AirsenalOps.Web.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Web.Api;

/// <summary>
/// Decides whether a WebSocket's <c>?token=</c> belongs to the admin, and for how long. Until the auth area
/// registers its validator every token is refused, so the socket is never open to anyone.
/// </summary>
public delegate Task<JobSocketLease> JobSocketTokenCheck(string? token, CancellationToken cancellationToken);

/// <summary>
/// A socket's right to stay open: refused at once (<see cref="Refusal"/>), or granted until whoever granted it
/// calls <see cref="End"/> (the token expired, the admin's credentials changed). The socket then closes with
/// 1008 and the reason. Disposing it releases what watches it (timers, subscriptions).
/// </summary>
public sealed class JobSocketLease : IDisposable
{
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDisposable> _held = [];

    private JobSocketLease(string? refusal) => Refusal = refusal;

    /// <summary>Why the socket is refused at connect, or null when it is granted.</summary>
    public string? Refusal { get; }

    /// <summary>Completes with the close reason when the right to stay open lapses.</summary>
    public Task<string> Ended => _ended.Task;

    public static JobSocketLease Refused(string reason) => new(reason);

    public static JobSocketLease Granted() => new(null);

    public void End(string reason) => _ended.TrySetResult(reason);

    /// <summary>Disposed with the lease.</summary>
    public void Hold(IDisposable watcher)
    {
        lock (_held)
        {
            _held.Add(watcher);
        }
    }

    public void Dispose()
    {
        lock (_held)
        {
            foreach (var watcher in _held)
            {
                watcher.Dispose();
            }

            _held.Clear();
        }
    }
}

/// <summary>
/// <c>/ws/jobs/{id}?token=JWT&amp;after=SEQ</c> with the peer console's messages: stored lines first
/// (<c>{"type":"log","message"}</c>, plus our <c>seq</c> and <c>source</c>), then <c>{"type":"status"}</c>,
/// then live lines, status changes and <c>{"type":"output","payload"}</c>. "ping" is answered "pong".
/// </summary>
public static partial class JobsWebSocket
{
    public const int PolicyViolation = 1008;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static WebApplicationBuilder AddJobsWebSocket(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<JobSocketTokenCheck>((_, _) => Task.FromResult(JobSocketLease.Refused("Invalid or missing token")));
        builder.Services.TryAddSingleton<LiveSubscribers>();
        return builder;
    }

    public static WebApplication MapJobsWebSocket(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.WsRequireToken)
        {
            LogTokenNotRequired(app.Logger);
        }

        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Map("/ws/jobs/{id}", HandleAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task HandleAsync(HttpContext context, string id, JobService service, JobSocketTokenCheck checkToken, LiveSubscribers subscribers, IOptions<ApiOptions> api,
        IHostApplicationLifetime lifetime)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new ErrorDetail("WebSocket connection expected"));
            return;
        }

        var aborted = context.RequestAborted;
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        // Without a token only when WS_REQUIRE_TOKEN=false; a token that is there is always checked.
        var token = context.Request.Query["token"].FirstOrDefault();
        using var lease = string.IsNullOrEmpty(token)
            ? (api.Value.WsRequireToken ? JobSocketLease.Refused("Invalid or missing token") : null)
            : await checkToken(token, aborted);
        if (lease?.Refusal is { } refusal)
        {
            await CloseAsync(socket, (WebSocketCloseStatus)PolicyViolation, refusal);
            return;
        }

        if (await service.GetAsync(id, aborted) is not { } job)
        {
            await CloseAsync(socket, (WebSocketCloseStatus)PolicyViolation, "Job not found");
            return;
        }

        _ = long.TryParse(context.Request.Query["after"].FirstOrDefault(), out var after);
        using var tracked = subscribers.Track(LiveSubscribers.WebSocket);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        using var session = new Session(socket);
        var receiving = ReceiveAsync(session, done);
        var lapsing = lease is null ? Task.CompletedTask : LapseAsync(lease, session, done);
        var goingAway = GoAwayAsync(session, done, lifetime.ApplicationStopping);
        try
        {
            await foreach (var e in service.WatchAsync(id, Math.Max(0, after), done.Token))
            {
                await SendEventAsync(session, e, done.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away.
        }

        await done.CancelAsync();
        await receiving;
        await lapsing;
        await goingAway;
        // Answer a client's close (CloseReceived) too, or its CloseAsync never completes.
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "bye");
        }
    }

    private static async Task SendEventAsync(Session session, JobEvent e, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case JobLinesEvent lines:
                foreach (var line in lines.Lines)
                {
                    await session.SendLogAsync(line, cancellationToken);
                }

                break;
            case JobChangedEvent changed:
                var job = changed.Job;
                var status = JobDisplay.Status(job) + "|" + StorageJson.ToText(job.Status);
                if (status != session.LastStatus)
                {
                    session.LastStatus = status;
                    await session.SendAsync(
                        new JsonObject
                        {
                            ["type"] = "status",
                            ["status"] = StorageJson.ToText(job.Status),
                            ["display_status"] = JobDisplay.Status(job),
                            ["error"] = job.Error,
                            ["next_attempt_at"] = job.NextAttemptAt,
                        },
                        cancellationToken);
                }

                if (job.Output is not null && !session.OutputSent)
                {
                    session.OutputSent = true;
                    await session.SendAsync(new JsonObject { ["type"] = "output", ["payload"] = job.Output.DeepClone() }, cancellationToken);
                }

                break;
        }
    }

    /// <summary>
    /// Closes the socket with 1008 and the reason once its lease ends (the token expired or went stale). The
    /// close frame goes out between two messages, never cancelling a send (that would abort the socket without
    /// a reason); the client answers it and the receive loop ends. One that does not answer is cut off.
    /// </summary>
    private static async Task LapseAsync(JobSocketLease lease, Session session, CancellationTokenSource done)
    {
        string reason;
        try
        {
            reason = await lease.Ended.WaitAsync(done.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await session.CloseOutputAsync((WebSocketCloseStatus)PolicyViolation, reason);
        done.CancelAfter(TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Closes the socket with 1001 once the console begins to stop. The host's stop waits for open connections, and a
    /// socket that follows a running job never ends by itself: one held a SIGTERM for the host's whole shutdown timeout
    /// (30 s), where Docker kills after 10. The client learns the console is going away (and may follow the job on the
    /// next one); one that does not answer the close is cut off soon.
    /// </summary>
    private static async Task GoAwayAsync(Session session, CancellationTokenSource done, CancellationToken stopping)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (stopping.Register(() => stopped.TrySetResult()))
        {
            try
            {
                await stopped.Task.WaitAsync(done.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        await session.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "The console is shutting down.");
        done.CancelAfter(TimeSpan.FromSeconds(1));
    }

    /// <summary>Answers "ping" with "pong" and notices the client closing.</summary>
    private static async Task ReceiveAsync(Session session, CancellationTokenSource done)
    {
        var buffer = new byte[4096];
        try
        {
            while (!done.IsCancellationRequested)
            {
                var result = await session.Socket.ReceiveAsync(buffer, done.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (result.MessageType == WebSocketMessageType.Text && result.EndOfMessage
                    && Encoding.UTF8.GetString(buffer, 0, result.Count).Trim() == "ping")
                {
                    await session.SendTextAsync("pong", done.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Closed or aborted.
        }

        await done.CancelAsync();
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The client did not wait for the close handshake (the test server reports that as an IOException).
        }
    }

    /// <summary>One socket's send side: sends are serialised (the receive loop answers pings concurrently).</summary>
    private sealed class Session(WebSocket socket) : IDisposable
    {
        private readonly SemaphoreSlim _send = new(1, 1);
        private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(1024);

        public WebSocket Socket { get; } = socket;

        public string? LastStatus { get; set; }

        public bool OutputSent { get; set; }

        /// <summary>Set once the close frame is out: a later send ends the sending loop instead of failing oddly.</summary>
        private bool _closeSent;

        public void Dispose() => _send.Dispose();

        public Task SendAsync(JsonObject message, CancellationToken cancellationToken) =>
            SendTextAsync(message.ToJsonString(Json), cancellationToken);

        /// <summary>
        /// <c>{"type":"log","message","seq","source"}</c>, written straight to UTF-8: this runs for every
        /// line of a flood, so no JSON tree and no intermediate string.
        /// </summary>
        public async Task SendLogAsync(LogLine line, CancellationToken cancellationToken)
        {
            await _send.WaitAsync(cancellationToken);
            try
            {
                ThrowIfCloseSent();
                _buffer.ResetWrittenCount();
                using (var json = new Utf8JsonWriter(_buffer))
                {
                    json.WriteStartObject();
                    json.WriteString("type", "log");
                    json.WriteString("message", line.Text);
                    json.WriteNumber("seq", line.Seq);
                    json.WriteString("source", StorageJson.ToText(line.Source));
                    json.WriteEndObject();
                }

                await Socket.SendAsync(_buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
            finally
            {
                _send.Release();
            }
        }

        private void ThrowIfCloseSent()
        {
            if (_closeSent)
            {
                throw new WebSocketException(WebSocketError.InvalidState, "The socket is closing.");
            }
        }

        /// <summary>Sends the close frame after the message being sent, if any (5 s at most).</summary>
        public async Task CloseOutputAsync(WebSocketCloseStatus status, string reason)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _send.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    _closeSent = true;
                    await Socket.CloseOutputAsync(status, reason, timeout.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
            {
                // The client is gone already.
            }
            finally
            {
                _send.Release();
            }
        }

        public async Task SendTextAsync(string text, CancellationToken cancellationToken)
        {
            await _send.WaitAsync(cancellationToken);
            try
            {
                ThrowIfCloseSent();
                await Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
            finally
            {
                _send.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WS_REQUIRE_TOKEN=false: /ws/jobs/{{id}} accepts sockets without a token, so anyone who can reach the console can read every job's log lines, status and output (secrets stay masked). Use it only behind the older console's app on a private network.")]
    private static partial void LogTokenNotRequired(ILogger logger);
}
