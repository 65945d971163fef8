using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AirsenalOps.Tests.Integration.Hostile;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Integration;

/// <summary>Issue 17: what the peer console's React app reads, in its shapes, on a real Kestrel.</summary>
public sealed class PeerCompatibilityTests
{
    [Fact]
    public async Task Health_ReportsThePythonThatRunsAirsenal_AndThatAirsenalSupportsIt()
    {
        // The stand-in scripts start with "#!/usr/bin/env python3": the interpreter is python3 on PATH.
        using var console = new HostileConsole();
        using var client = console.Client();
        var expected = PythonVersion("python3");

        var body = await WaitForPythonAsync(client);

        Assert.Equal(expected, body.GetProperty("python_version").GetString());
        Assert.True(body.GetProperty("python_version_valid").GetBoolean());
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(">=3.10,<4", body.GetProperty("airsenal").GetProperty("python").GetProperty("supported_range").GetString());
    }

    [Fact]
    public async Task Health_NeverWaitsForTheInterpreter_AndReportsAnUnsupportedOne()
    {
        // An "interpreter" that answers only once the test lets it, and then with a version AIrsenal does not support.
        using var bin = new TempDirectory();
        var gate = bin.File("go");
        var interpreter = bin.File("python");
        await File.WriteAllTextAsync(interpreter, $"#!/bin/sh\nwhile [ ! -f '{gate}' ]; do sleep 0.05; done\necho 3.9.18\n");
        var script = bin.File("airsenal_run_prediction");
        await File.WriteAllTextAsync(script, $"#!{interpreter}\nprint('never run')\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(interpreter, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using var console = new HostileConsole(new Dictionary<string, string?> { ["AIRSENAL_BIN_DIR"] = bin.Path });
        using var client = console.Client();

        var pending = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("python_version").ValueKind);
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("python_version_valid").ValueKind);

        await File.WriteAllTextAsync(gate, "");
        var body = await WaitForPythonAsync(client);

        Assert.Equal("3.9.18", body.GetProperty("python_version").GetString());
        Assert.False(body.GetProperty("python_version_valid").GetBoolean());
        Assert.Equal(interpreter, body.GetProperty("airsenal").GetProperty("python").GetProperty("path").GetString());
    }

    [Fact]
    public async Task PredictionOutput_RankIsTheOverallOrder_AndPositionRankTheRankWithinItsPosition()
    {
        using var console = new HostileConsole();
        using var admin = console.Client(await console.TokenAsync());

        using var created = await admin.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), new { command = "predict", parameters = new { weeks_ahead = 3 } });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        JsonElement output = default;
        await Jobs.JobControlTests.WaitUntilAsync(async () =>
        {
            using var response = await admin.GetAsync(new Uri($"/api/jobs/{id}/output", UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            output = await response.Content.ReadFromJsonAsync<JsonElement>();
            return output.GetProperty("output").ValueKind == JsonValueKind.Object;
        });

        var players = output.GetProperty("output").GetProperty("players").EnumerateArray().ToList();
        Assert.NotEmpty(players);
        Assert.Equal(Enumerable.Range(1, players.Count), players.Select(p => p.GetProperty("rank").GetInt32()));
        Assert.Contains(players, p => p.GetProperty("rank").GetInt32() > 1 && p.GetProperty("position_rank").GetInt32() == 1);
        Assert.All(players.GroupBy(p => p.GetProperty("position").GetString()), group =>
            Assert.Equal(Enumerable.Range(1, group.Count()), group.Select(p => p.GetProperty("position_rank").GetInt32())));
    }

    private static async Task<JsonElement> WaitForPythonAsync(HttpClient client)
    {
        JsonElement body = default;
        await Jobs.JobControlTests.WaitUntilAsync(async () =>
        {
            body = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/health", UriKind.Relative));
            return body.GetProperty("python_version_valid").ValueKind != JsonValueKind.Null;
        });
        return body;
    }

    private static string PythonVersion(string python)
    {
        using var process = Process.Start(new ProcessStartInfo(python, ["-c", "import sys; print('.'.join(map(str, sys.version_info[:3])))"]) { RedirectStandardOutput = true })!;
        var version = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return version;
    }
}
