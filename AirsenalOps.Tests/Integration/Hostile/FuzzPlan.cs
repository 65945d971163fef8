using System.Net.Http.Headers;
using System.Text;

namespace AirsenalOps.Tests.Integration.Hostile;

public enum FuzzKind
{
    MalformedJson,
    WrongTypes,
    MissingOrExtraFields,
    UnicodeAndControl,
    PathTraversal,
    BadQuery,
    WrongContentType,
    WrongMethod,
    HugeBody,
    HugeChunkedBody,
    OversizedHeader,
    LongRequestLine,
}

/// <summary>One hostile request, kept small until it is sent (huge bodies are made on the fly).</summary>
public sealed record FuzzRequest(FuzzKind Kind, string Method, string Target, string? ContentType, byte[]? Body, bool Anonymous)
{
    public int HugeBytes { get; init; }

    public int HeaderBytes { get; init; }

    /// <summary>Refused by Kestrel itself (request line, headers): no middleware can add a body.</summary>
    public bool Transport => Kind is FuzzKind.OversizedHeader or FuzzKind.LongRequestLine or FuzzKind.HugeBody or FuzzKind.HugeChunkedBody
        || (Kind == FuzzKind.PathTraversal && Target.Contains("%00", StringComparison.Ordinal));

    /// <summary>A declared Content-Length over the API's limit must be refused with 413 whatever the route.</summary>
    public bool ExpectTooLarge => Kind == FuzzKind.HugeBody;

    public override string ToString() =>
        $"{Kind} {Method} {(Target.Length > 160 ? Target[..160] + "…" : Target)}{(Body is { Length: > 0 } b ? " body=" + Preview(b) : string.Empty)}{(Anonymous ? " (anonymous)" : string.Empty)}";

    public HttpRequestMessage ToMessage()
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), new Uri(Target, UriKind.Relative));
        if (HugeBytes > 0)
        {
            var bytes = new byte[HugeBytes];
            bytes.AsSpan().Fill((byte)'[');
            HttpContent content = Kind == FuzzKind.HugeChunkedBody ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Content = content;
            request.Headers.TransferEncodingChunked = Kind == FuzzKind.HugeChunkedBody;
        }
        else if (Body is not null)
        {
            var content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }

            request.Content = content;
        }

        if (HeaderBytes > 0)
        {
            request.Headers.TryAddWithoutValidation("X-Hostile", new string('h', HeaderBytes));
        }

        return request;
    }

    private static string Preview(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 120));
        return System.Text.Json.JsonSerializer.Serialize(text);
    }
}

/// <summary>Builds a deterministic list of hostile requests from a seed, spread over every route.</summary>
public static class FuzzPlan
{
    // Field names the API's request records use, so wrong types reach real properties.
    private static readonly string[] Fields =
    [
        "command", "parameters", "key", "value", "email", "password", "name", "url", "format", "events", "enabled",
        "target", "cron", "time_zone", "deadline_offset_minutes", "weeks_ahead", "wildcard_week", "count", "status", "id",
    ];

    private static readonly string[] WrongValues =
    [
        "0", "-1", "1e400", "-9223372036854775809", "18446744073709551616", "3.5", "true", "false", "null", "[]", "{}",
        "[1,2,3]", "{\"a\":{\"b\":{\"c\":[]}}}", "\"\"", "\" \"", "\"predict\"", "\"FPL_LOGIN\"", "\"admin@example.com\"",
        "\"http://127.0.0.1:1/x\"", "\"0 0 * * *\"", "\"Europe/London\"", "\"Not/AZone\"", "\"* * * * * * *\"",
        "\"weekly_chain\"", "[\"job_failed\"]", "[\"nope\"]", "{\"weeks_ahead\":\"three\"}", "{\"weeks_ahead\":99999}",
        "{\"weeks_ahead\":-5}", "\"-1\"", "1.7976931348623157e308",
    ];

    private static readonly string[] Malformed =
    [
        "{", "}", "{\"command\":", "{\"command\": \"predict\"", "[1,2", "nul", "tru", "{'a': 1}", "{\"a\" 1}", "{\"a\":1,}",
        "\"unterminated", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":Infinity}", "\u00ef\u00bb\u00bf{}", "{\"a\":\"\\x41\"}",
        "{\"a\":\"\\uZZZZ\"}", "<xml/>", "command=predict", "--boundary", "{\"a\":1}{\"b\":2}", "// comment\n{}",
        "{\"a\":[" + new string('[', 200), new string('{', 2000),
    ];

    private static readonly string[] Unicode =
    [
        "\u0000", "\u0001\u0002\u001f", "\u007f", "ключ", "🔥💥", "\u202eevil", "\u200b", "\ufeff", "e\u0301", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "\\ud800", "\\udfff", "\r\n\r\nX-Injected: 1", "${jndi:ldap://x}", "'; DROP TABLE jobs; --", "{{7*7}}", "<script>alert(1)</script>",
        "../../../../etc/passwd", "%00", "\\u0000",
    ];

    private static readonly string[] HostileIds =
    [
        "..%2F..%2F..%2Fetc%2Fpasswd", "..%2f..%2fappsettings.json", "%2e%2e%2f%2e%2e%2f", "..%5C..%5Cwindows", "%00", "abc%00def",
        "%2500", "..", "%2e%2e", "%ZZ", "%", "%C0%AE%C0%AE%2F", "%E2%80%AE", "%F0%9F%94%A5", "%EF%BF%BF", "x%0D%0ASet-Cookie:%20a=b",
        "%7B%7D", "%22%3B--", "null", "-1", "0", "99999999999999999999999", new string('a', 4000), "FPL_LOGIN%2F..%2FJWT_SECRET",
        "%3Cscript%3E", ".", "~root", "%2F", "CON", "aux.txt",
    ];

    private static readonly string[] BadQueries =
    [
        "skip=abc", "limit=many", "limit=-1", "limit=0", "limit=99999999999999999999", "skip=-5&limit=1000000", "status=nope",
        "status=1", "after=-1", "after=x", "count=0", "count=abc", "page=0", "page_size=-3", "order=sideways", "gameweek=x",
        "team_id=abc", "team_id=-1", "season=%00", "token=%00", "status=%F0%9F%94%A5", "limit=1&limit=2&limit=x", "=&=&&==",
        "a[b]=c", "webhook_id=%2e%2e%2f",
    ];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1",
        "application/json; charset=utf-7", "application/jsonx", "", ";;;", "application/json\u0001",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND"];

    public static List<FuzzRequest> Build(IReadOnlyList<ApiRoute> routes, Random random, int total)
    {
        var requests = new List<FuzzRequest>(total);
        for (var i = 0; i < total; i++)
        {
            var route = routes[i % routes.Count];
            var anonymous = random.NextDouble() < 0.1;
            requests.Add(Make(route, PickKind(random), random, anonymous));
        }

        return requests;
    }

    private static FuzzKind PickKind(Random random)
    {
        var roll = random.Next(1000);
        return roll switch
        {
            < 6 => FuzzKind.HugeBody,
            < 9 => FuzzKind.HugeChunkedBody,
            < 14 => FuzzKind.OversizedHeader,
            < 17 => FuzzKind.LongRequestLine,
            < 167 => FuzzKind.MalformedJson,
            < 367 => FuzzKind.WrongTypes,
            < 467 => FuzzKind.MissingOrExtraFields,
            < 617 => FuzzKind.UnicodeAndControl,
            < 767 => FuzzKind.PathTraversal,
            < 867 => FuzzKind.BadQuery,
            < 937 => FuzzKind.WrongContentType,
            _ => FuzzKind.WrongMethod,
        };
    }

    private static FuzzRequest Make(ApiRoute route, FuzzKind kind, Random random, bool anonymous)
    {
        var target = route.Fill(Pick(random, ["x", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "1", "predict", "FPL_LOGIN"]));
        var method = route.Method;
        switch (kind)
        {
            case FuzzKind.MalformedJson:
                return new(kind, method, target, "application/json", Encoding.UTF8.GetBytes(Pick(random, Malformed)), anonymous);
            case FuzzKind.WrongTypes:
            {
                var body = new StringBuilder("{");
                var count = random.Next(1, 5);
                for (var f = 0; f < count; f++)
                {
                    body.Append(f > 0 ? "," : string.Empty).Append('"').Append(Pick(random, Fields)).Append("\":").Append(Pick(random, WrongValues));
                }

                return new(kind, method, target, "application/json", Encoding.UTF8.GetBytes(body.Append('}').ToString()), anonymous);
            }

            case FuzzKind.MissingOrExtraFields:
            {
                var body = Pick(random, ["{}", "[]", "null", "\"\"", "0", string.Empty,
                    "{\"command\":\"predict\",\"extra\":1,\"parameters\":{\"weeks_ahead\":2,\"bogus\":true}}",
                    "{\"key\":\"FPL_TEAM_ID\"}", "{\"value\":\"x\"}", "{\"email\":\"admin@example.com\"}", "{\"url\":null,\"name\":null}",
                    "{\"command\":\"predict\",\"command\":\"update_db\"}", "{\"parameters\":null,\"command\":null}", "{\"unknown\":{\"deep\":[1,{\"x\":null}]}}"]);
                return new(kind, method, target, "application/json", Encoding.UTF8.GetBytes(body), anonymous);
            }

            case FuzzKind.UnicodeAndControl:
            {
                var key = Pick(random, Unicode);
                var value = Pick(random, Unicode);
                var field = Pick(random, Fields);
                var json = $"{{\"{Escape(key)}\":\"{Escape(value)}\",\"{field}\":\"{Escape(value)}\"}}";
                return new(kind, method, target, "application/json", Encoding.UTF8.GetBytes(json), anonymous);
            }

            case FuzzKind.PathTraversal:
            {
                var id = Pick(random, HostileIds);
                var traversed = route.Pattern.Contains('{', StringComparison.Ordinal) ? route.Fill(id) : route.Pattern + "/" + id;
                return new(kind, method, traversed, null, null, anonymous);
            }

            case FuzzKind.BadQuery:
                return new(kind, method, target + "?" + Pick(random, BadQueries), null, null, anonymous);
            case FuzzKind.WrongContentType:
                return new(kind, method, target, Pick(random, ContentTypes), Encoding.UTF8.GetBytes("{\"command\":\"predict\"}"), anonymous);
            case FuzzKind.WrongMethod:
                return new(kind, Pick(random, Methods.Where(m => m != route.Method).ToArray()), target, null, null, anonymous);
            case FuzzKind.HugeBody:
            case FuzzKind.HugeChunkedBody:
                return new(kind, Pick(random, ["POST", "PUT", method]), target, "application/json", null, anonymous)
                {
                    HugeBytes = (1024 * 1024) + 1 + random.Next(1024 * 1024),
                };
            case FuzzKind.OversizedHeader:
                return new(kind, method, target, null, null, anonymous) { HeaderBytes = (40 * 1024) + random.Next(40 * 1024) };
            case FuzzKind.LongRequestLine:
                return new(kind, method, target + "?q=" + new string('q', (9 * 1024) + random.Next(8 * 1024)), null, null, anonymous);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>JSON-escapes what must be escaped, but keeps "\\ud800"-style sequences literal (they are the attack).</summary>
    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                < ' ' => Control(c),
                _ => c.ToString(),
            });
        }

        return builder.ToString();

        // Half of the control characters go raw (invalid JSON), half escaped (valid JSON with a control character inside).
        static string Control(char c) => c % 2 == 0 ? c.ToString() : $"\\u{(int)c:x4}";
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
