using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Tests.Integration.Auth;
using AirsenalOps.Tests.Support;
using AirsenalOps.Tests.Unit.Reports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Integration.Team;

public sealed class TeamApiTests : IAsyncLifetime, IDisposable
{
    private readonly ConsoleFactory _factory = new(AuthTestData.Settings(("FPL_API_RETRY_DELAY_MS", "10"), ("FPL_API_TIMEOUT_SECONDS", "10")));

    private FplStubServer _fpl = null!;

    public async Task InitializeAsync()
    {
        _fpl = await FplStubServer.StartAsync();
        // The host is built on the first request, so settings can still be added here.
        _factory.Settings["FPL_API_BASE_URL"] = _fpl.BaseUrl;
        _factory.Settings["PERSISTENT_DB_PATH"] = Path.Combine(_factory.DataDir, "airsenal", "data.db");
        _factory.Settings["LOCAL_DB_PATH"] = Path.Combine(_factory.DataDir, "local.db");
    }

    public async Task DisposeAsync() => await _fpl.DisposeAsync();

    public void Dispose() => _factory.Dispose();

    private HttpClient Client(string? teamId = "742663")
    {
        var secrets = teamId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["FPL_TEAM_ID"] = teamId };
        return _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ISecretReader>(new StaticSecrets(secrets)))).CreateAdminClient();
    }

    [Fact]
    public async Task Current_ReturnsThePeersShape_FromBootstrapEntryAndPicks()
    {
        var response = await Client().GetAsync(new Uri("/api/team/current", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(742663, body.GetProperty("team_id").GetInt32());
        Assert.True(body.TryGetProperty("fetched_at", out _));
        var gw = body.GetProperty("gameweek");
        Assert.Equal(12, gw.GetProperty("id").GetInt32());
        Assert.Equal("Gameweek 12", gw.GetProperty("name").GetString());
        Assert.True(gw.GetProperty("is_current").GetBoolean());
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T11:00:00Z", System.Globalization.CultureInfo.InvariantCulture), gw.GetProperty("deadline").GetDateTimeOffset());
        var players = body.GetProperty("players").EnumerateArray().ToList();
        Assert.Equal(15, players.Count);
        var first = players[0];
        Assert.Equal(1, first.GetProperty("position_slot").GetInt32());
        Assert.Equal("Raya", first.GetProperty("name").GetString());
        Assert.Equal("ARS", first.GetProperty("team").GetString());
        Assert.Equal("GK", first.GetProperty("position").GetString());
        Assert.Equal(5.6, first.GetProperty("now_cost").GetDouble());
        Assert.Equal(4.8, first.GetProperty("points_per_game").GetDouble());
        Assert.Equal(6, first.GetProperty("event_points").GetInt32());
        var captain = players.Single(p => p.GetProperty("is_captain").GetBoolean());
        Assert.Equal("M.Salah", captain.GetProperty("name").GetString());
        Assert.Equal(2, captain.GetProperty("multiplier").GetInt32());
        Assert.Equal("Haaland", players.Single(p => p.GetProperty("is_vice_captain").GetBoolean()).GetProperty("name").GetString());
        var summary = body.GetProperty("entry_summary");
        Assert.Equal(1.5, summary.GetProperty("bank").GetDouble());
        Assert.Equal(101.2, summary.GetProperty("team_value").GetDouble());
        Assert.Equal(702, summary.GetProperty("total_points").GetInt32());
        Assert.Equal(61, summary.GetProperty("event_points").GetInt32());
        Assert.Equal(1, summary.GetProperty("event_transfers").GetInt32());
        Assert.Equal(4, summary.GetProperty("event_transfers_cost").GetInt32());
        Assert.Equal(5, summary.GetProperty("points_on_bench").GetInt32());
        Assert.Equal("Ödegaard's Eleven", body.GetProperty("team_name").GetString());
    }

    [Fact]
    public async Task Current_WithoutTeamId_Is404_WithThePeersDetail()
    {
        var response = await Client(teamId: null).GetAsync(new Uri("/api/team/current", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("FPL team ID not configured", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Current_WithANonNumericTeamId_Is409_WithoutEchoingIt()
    {
        var response = await Client(teamId: "abc-secret").GetAsync(new Uri("/api/team/current", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.DoesNotContain("abc-secret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Current_RetriesTransientFplFailures()
    {
        _fpl.TransientFailures = 2;
        _fpl.TransientStatus = StatusCodes.Status429TooManyRequests;

        var response = await Client().GetAsync(new Uri("/api/team/current", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, _fpl.Count("/api/bootstrap-static/"));
    }

    [Fact]
    public async Task Current_WhenFplKeepsFailing_Is502_WithTheReason()
    {
        _fpl.PermanentStatus = StatusCodes.Status503ServiceUnavailable;

        var response = await Client().GetAsync(new Uri("/api/team/current", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("503", detail, StringComparison.Ordinal);
        Assert.Equal(4, _fpl.Count("/api/bootstrap-static/"));
    }

    [Fact]
    public async Task Current_WhenFplSendsHtml_Is502()
    {
        _fpl.BootstrapOverride = "<html>captcha</html>";

        var response = await Client().GetAsync(new Uri("/api/team/current", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("JSON", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Current_UnknownTeam_Is502_NamingFplsAnswer()
    {
        var response = await Client(teamId: "5").GetAsync(new Uri("/api/team/current", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("404", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_IsCachedAcrossRequests()
    {
        var client = Client();

        await client.GetAsync(new Uri("/api/team/current", UriKind.Relative));
        await client.GetAsync(new Uri("/api/team/current", UriKind.Relative));
        await client.GetAsync(new Uri("/api/team/deadline", UriKind.Relative));

        Assert.Equal(1, _fpl.Count("/api/bootstrap-static/"));
        Assert.Equal(2, _fpl.Count("/api/entry/742663/event/12/picks/"));
    }

    [Fact]
    public async Task Diff_ListsPlayersOnlyInFplAndOnlyInAirsenal()
    {
        using (var db = new AirsenalDbBuilder(_factory.Settings["PERSISTENT_DB_PATH"]!))
        {
            // AIrsenal believes in the live squad except that it still has Ødegaard (FPL id 99) instead of Wood (14).
            int[] live = [1, 3, 4, 7, 8, 9, 10, 11, 13, 15, 2, 5, 6, 12];
            foreach (var fplId in live)
            {
                var id = db.Player(fplId, $"Player {fplId}", null, "ARS", "MID", 50, "2526", 12);
                db.Transaction(742663, id, 1, 1, 50);
            }

            var odegaard = db.Player(99, "Martin Ødegaard", "Ødegaard", "ARS", "MID", 80, "2526", 12);
            db.Transaction(742663, odegaard, 1, 1, 80);
        }

        var response = await Client().GetAsync(new Uri("/api/team/diff", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("in_sync").GetBoolean());
        Assert.Equal(14, body.GetProperty("matching").GetInt32());
        Assert.Equal("Wood", Assert.Single(body.GetProperty("only_in_fpl").EnumerateArray().ToList()).GetProperty("name").GetString());
        Assert.Equal("Ødegaard", Assert.Single(body.GetProperty("only_in_airsenal").EnumerateArray().ToList()).GetProperty("name").GetString());
        Assert.Contains("update_db", body.GetProperty("advice").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_WithoutAirsenalDatabase_Is404()
    {
        var response = await Client().GetAsync(new Uri("/api/team/diff", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("setup_db", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }
}

public sealed class TeamClockTests : IAsyncLifetime, IDisposable
{
    private readonly ConsoleFactory _factory = new(AuthTestData.Settings());
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.Zero));
    private FplStubServer _fpl = null!;

    public async Task InitializeAsync()
    {
        _fpl = await FplStubServer.StartAsync();
        _factory.Settings["FPL_API_BASE_URL"] = _fpl.BaseUrl;
    }

    public async Task DisposeAsync() => await _fpl.DisposeAsync();

    public void Dispose() => _factory.Dispose();

    private HttpClient Client() => _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
    {
        s.AddSingleton<TimeProvider>(_time);
        s.AddSingleton<ISecretReader>(new StaticSecrets(new Dictionary<string, string> { ["FPL_TEAM_ID"] = "742663" }));
    })).CreateAdminClient();

    [Fact]
    public async Task Deadline_IsTheFirstOneAhead()
    {
        var body = await Client().GetFromJsonAsync<JsonElement>(new Uri("/api/team/deadline", UriKind.Relative));

        Assert.Equal(13, body.GetProperty("gameweek").GetInt32());
        Assert.Equal(TimeSpan.FromHours(41.5).TotalSeconds, body.GetProperty("seconds_until").GetDouble());
    }

    [Fact]
    public async Task Deadline_AfterTheLastGameweek_Is409()
    {
        _time.Advance(TimeSpan.FromDays(30));

        var response = await Client().GetAsync(new Uri("/api/team/deadline", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Bootstrap_IsFetchedAgain_AfterTheCacheExpires()
    {
        var client = Client();
        await client.GetAsync(new Uri("/api/team/deadline", UriKind.Relative));
        _time.Advance(TimeSpan.FromSeconds(299));
        await client.GetAsync(new Uri("/api/team/deadline", UriKind.Relative));
        Assert.Equal(1, _fpl.Count("/api/bootstrap-static/"));

        _time.Advance(TimeSpan.FromSeconds(2));
        await client.GetAsync(new Uri("/api/team/deadline", UriKind.Relative));

        Assert.Equal(2, _fpl.Count("/api/bootstrap-static/"));
    }
}
