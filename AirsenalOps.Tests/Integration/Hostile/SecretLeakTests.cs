using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Support;
using Xunit.Abstractions;

namespace AirsenalOps.Tests.Integration.Hostile;

/// <summary>
/// Secrets go in through the API, a careless AIrsenal prints them and its environment, things fail; then
/// everything the console wrote (its log output, its data folder, every API response, every WebSocket
/// message) is searched for the values, raw and encoded.
/// </summary>
public sealed class SecretLeakTests(ITestOutputHelper output)
{
    private const string FplLogin = "leaky.login.4d2c@example.com";
    private const string FplPassword = "Pa55+leak/c0ffee&<9f1e>";
    private const string ApiKey = "sk-leak-9d8e7f6a5b4c3d2e1f00";
    private const string WebhookToken = "leak-webhook-token-5e6f7a8b9c";

    private readonly List<(string Where, string Text)> _seen = [];

    [Fact]
    public async Task NothingTheConsoleWrites_ContainsASecretValue()
    {
        using var data = new TempDirectory();
        var closedPort = Loopback.ClosedPort();
        var webhookUrl = $"http://127.0.0.1:{closedPort}/hooks/{WebhookToken}?sig={WebhookToken}";
        await using var console = await ConsoleProcess.StartAsync(new Dictionary<string, string?>
        {
            ["DATA_DIR"] = data.Path,
            ["PERSISTENT_DB_PATH"] = Path.Combine(data.Path, "airsenal", "data.db"),
            ["LOCAL_DB_PATH"] = Path.Combine(data.Path, "airsenal-local.db"),
            ["JWT_SECRET"] = AuthTestData.JwtSecret,
            ["ENCRYPTION_KEY"] = AuthTestData.EncryptionKey,
            ["APP_ADMIN_EMAIL"] = AuthTestData.AdminEmail,
            ["APP_ADMIN_PASSWORD_HASH"] = AuthTestData.AdminHash,
            ["AIRSENAL_BIN_DIR"] = HostileConsole.FakeAirsenalBin,
            ["MAX_JOB_RETRIES"] = "0",
            ["RATE_LIMIT_ENABLED"] = "false",
            ["WEBHOOK_MAX_ATTEMPTS"] = "1",
            ["WEBHOOK_TIMEOUT_SECONDS"] = "5",
            // Everything the console can say, framework included.
            ["LOG_LEVEL"] = "DEBUG",
            ["LOG_FORMAT"] = "json",
        });

        using var anonymous = new HttpClient { BaseAddress = console.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var login = await CallAsync(anonymous, HttpMethod.Post, "/api/auth/login", new { email = AuthTestData.AdminEmail, password = AuthTestData.AdminPassword });
        var token = JsonDocument.Parse(login).RootElement.GetProperty("token").GetString()!;
        using var admin = new HttpClient { BaseAddress = console.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // Secrets in through the API.
        foreach (var (key, value) in new[] { ("FPL_LOGIN", FplLogin), ("FPL_PASSWORD", FplPassword), ("AIRSENAL_API_KEY", ApiKey), ("FPL_TEAM_ID", "1234567"), ("FAKE_SCENARIO", "echo") })
        {
            await CallAsync(admin, HttpMethod.Post, "/api/secrets", new { key, value }, HttpStatusCode.OK);
        }

        await CallAsync(admin, HttpMethod.Post, "/api/notifications/webhooks", new { name = "ops", url = webhookUrl }, HttpStatusCode.Created);

        // A job that prints its environment and the credentials, a prediction that does too, then one that fails with them.
        var echoed = await RunJobAsync(admin, "update_db", new { });
        var predicted = await RunJobAsync(admin, "predict", new { weeks_ahead = 2 });
        await CallAsync(admin, HttpMethod.Post, "/api/secrets", new { key = "FAKE_SCENARIO", value = "echo_fail" }, HttpStatusCode.OK);
        var failed = await RunJobAsync(admin, "update_db", new { });
        Assert.Equal("failed", JsonDocument.Parse(await CallAsync(admin, HttpMethod.Get, "/api/jobs/" + failed)).RootElement.GetProperty("status").GetString());

        // Errors that carry the values in their input.
        await CallAsync(admin, HttpMethod.Post, "/api/secrets", new { key = "bad key", value = FplPassword }, HttpStatusCode.UnprocessableEntity);
        await CallAsync(admin, HttpMethod.Post, "/api/secrets", new { key = "FPL_TEAM_ID", value = FplPassword }, HttpStatusCode.UnprocessableEntity);
        await CallAsync(admin, HttpMethod.Post, "/api/secrets", new { key = "FPL_PASSWORD", value = FplPassword + new string('x', 5000) }, HttpStatusCode.UnprocessableEntity);
        // The audit log records the address a failed login typed (by design), so the attempt uses another one;
        // the password typed must never be kept.
        await CallAsync(anonymous, HttpMethod.Post, "/api/auth/login", new { email = "someone@example.com", password = FplPassword }, HttpStatusCode.Unauthorized);
        await CallAsync(admin, HttpMethod.Post, "/api/notifications/webhooks", new { name = "bad", url = "ftp://127.0.0.1/" + WebhookToken }, HttpStatusCode.UnprocessableEntity);
        await CallAsync(admin, HttpMethod.Post, "/api/secrets", new { key = "FPL_PASSWORD", value = new[] { FplPassword } }, HttpStatusCode.BadRequest);
        await CallAsync(admin, HttpMethod.Post, "/api/jobs", new { command = "predict", parameters = new { weeks_ahead = 2, password = FplPassword } });

        // Everything the API shows about those jobs, secrets and webhooks.
        await WaitForDeliveryAsync(admin);
        foreach (var id in new[] { echoed, predicted, failed })
        {
            await CallAsync(admin, HttpMethod.Get, "/api/jobs/" + id);
            await CallAsync(admin, HttpMethod.Get, $"/api/jobs/{id}/logs?limit=10000");
            await CallAsync(admin, HttpMethod.Get, $"/api/jobs/{id}/logs.txt");
            await CallAsync(admin, HttpMethod.Get, $"/api/jobs/{id}/output");
            await ReadSocketAsync(console.BaseAddress, id, token);
        }

        foreach (var path in new[] { "/api/jobs", "/api/secrets", "/api/notifications/webhooks", "/api/notifications/deliveries", "/api/reports/latest", "/api/health", "/api/commands", "/api/schedules" })
        {
            await CallAsync(admin, HttpMethod.Get, path);
        }

        // The echo really happened: the scan below looks at lines that did contain the values.
        var logs = await CallAsync(admin, HttpMethod.Get, $"/api/jobs/{echoed}/logs.txt");
        Assert.Contains("FPL_PASSWORD=***", logs, StringComparison.Ordinal);

        await console.StopAsync();
        _seen.Add(("console stdout/stderr", console.Output));
        foreach (var file in Directory.EnumerateFiles(data.Path, "*", SearchOption.AllDirectories))
        {
            _seen.Add(("data file " + Path.GetRelativePath(data.Path, file), Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file))));
        }

        var secrets = new Dictionary<string, string>
        {
            ["FPL_LOGIN"] = FplLogin,
            ["FPL_PASSWORD"] = FplPassword,
            ["AIRSENAL_API_KEY"] = ApiKey,
            ["webhook URL token"] = WebhookToken,
            ["webhook URL"] = webhookUrl,
            ["admin password"] = AuthTestData.AdminPassword,
            ["JWT_SECRET"] = AuthTestData.JwtSecret,
            ["ENCRYPTION_KEY"] = AuthTestData.EncryptionKey,
        };
        var leaks = new List<string>();
        foreach (var (name, value) in secrets)
        {
            foreach (var (form, encoded) in Forms(value))
            {
                foreach (var (where, text) in _seen)
                {
                    var at = text.IndexOf(encoded, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        leaks.Add($"{name} ({form}) in {where}: …{text.Substring(Math.Max(0, at - 80), Math.Min(text.Length - Math.Max(0, at - 80), 160 + encoded.Length))}…");
                    }
                }
            }
        }

        output.WriteLine($"scanned {_seen.Count} sources, {_seen.Sum(s => s.Text.Length):N0} characters");
        // One example per secret, form and kind of place, so a long list still shows every distinct leak.
        var examples = leaks.GroupBy(l => string.Join(' ', l.Split(' ').Take(5))).Select(g => g.First()).Take(40);
        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks:\n" + string.Join("\n", examples));
    }

    /// <summary>The value as the console might write it: raw, URL-, JSON- or base64-encoded (at any byte alignment).</summary>
    internal static IEnumerable<(string Form, string Text)> Forms(string value)
    {
        yield return ("raw", value);
        yield return ("url-encoded", Uri.EscapeDataString(value));
        yield return ("form-encoded", WebUtility.UrlEncode(value));
        yield return ("json-escaped", JsonEncodedText.Encode(value, JavaScriptEncoder.Default).ToString());
        var bytes = Encoding.UTF8.GetBytes(value);
        for (var shift = 0; shift < 3; shift++)
        {
            // Inside a longer base64 text the value starts at any of three alignments: keep the characters
            // that depend on the value alone.
            var shifted = Convert.ToBase64String([.. new byte[shift], .. bytes]);
            var skip = shift == 0 ? 0 : shift + 1;
            var core = shifted[skip..^4];
            if (core.Length >= 8)
            {
                yield return ($"base64+{shift}", core);
                yield return ($"base64url+{shift}", core.Replace('+', '-').Replace('/', '_'));
            }
        }
    }

    private async Task<string> CallAsync(HttpClient client, HttpMethod method, string path, object? body = null, HttpStatusCode? expect = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        _seen.Add(($"response to {method} {path} ({(int)response.StatusCode})", text + "\n" + response.Headers + response.Content.Headers));
        if (expect is { } status)
        {
            Assert.True(response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return text;
    }

    private async Task<string> RunJobAsync(HttpClient admin, string command, object parameters)
    {
        var created = await CallAsync(admin, HttpMethod.Post, "/api/jobs", new { command, parameters }, HttpStatusCode.OK);
        var id = JsonDocument.Parse(created).RootElement.GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var job = JsonDocument.Parse(await CallAsync(admin, HttpMethod.Get, "/api/jobs/" + id)).RootElement;
            if (job.GetProperty("status").GetString() is "completed" or "failed" or "cancelled")
            {
                return id;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"job {command} {id} did not finish");
    }

    private async Task WaitForDeliveryAsync(HttpClient admin)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var deliveries = JsonDocument.Parse(await CallAsync(admin, HttpMethod.Get, "/api/notifications/deliveries")).RootElement;
            if (deliveries.ValueKind == JsonValueKind.Array && deliveries.GetArrayLength() >= 3)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("the webhook deliveries were not recorded");
    }

    private async Task ReadSocketAsync(Uri baseAddress, string jobId, string token)
    {
        var uri = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/ws/jobs/" + jobId, Query = "token=" + Uri.EscapeDataString(token) }.Uri;
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(uri, timeout.Token);
        var buffer = new byte[1024 * 1024];
        var messages = new StringBuilder();
        var finished = false;
        while (socket.State == WebSocketState.Open)
        {
            // After the final status, wait briefly for the parsed output that follows it.
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            if (finished)
            {
                quiet.CancelAfter(TimeSpan.FromSeconds(2));
            }

            WebSocketReceiveResult result;
            var message = new MemoryStream();
            try
            {
                do
                {
                    result = await socket.ReceiveAsync(buffer, quiet.Token);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
            }
            catch (OperationCanceledException) when (finished)
            {
                break;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            var text = Encoding.UTF8.GetString(message.ToArray());
            messages.AppendLine(text);
            finished |= text.Contains("\"type\":\"status\"", StringComparison.Ordinal)
                && (text.Contains("\"completed\"", StringComparison.Ordinal) || text.Contains("\"failed\"", StringComparison.Ordinal));
        }

        Assert.True(finished, "the socket never sent the final status:\n" + messages);
        _seen.Add(($"WebSocket of job {jobId}", messages.ToString()));
    }

}
