using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Common;
using AirsenalOps.Web.Components.Pages.Jobs;
using Bunit;

namespace AirsenalOps.Tests.Integration.Jobs;

/// <summary>
/// A real job prints a stored secret split by escape codes and across the 64 KiB line limit (issue 13.8): neither
/// the stored lines, the API, nor the job page show the secret or its first part.
/// </summary>
public sealed class LogMaskingTests : ConsoleTestContext, IDisposable
{
    /// <summary>The start of the secret: no place may show even this much of it.</summary>
    private static readonly string SecretStart = JobsFactory.Password[..4];

    private readonly JobsFactory _factory = new();

    public LogMaskingTests()
        : base(signedIn: true)
    {
        Services.AddFallbackServiceProvider(_factory.Services);
    }

    void IDisposable.Dispose()
    {
        Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task SecretSplitByEscapeCodes_OrAcrossTheLineLimit_IsMaskedInTheStoreTheApiAndThePage()
    {
        var job = await _factory.Jobs.CreateAsync("leak", new JsonObject { ["var"] = "FPL_PASSWORD" }, CancellationToken.None);
        var done = await _factory.WaitForFinishAsync(job.Id, seconds: 60);
        Assert.Equal(JobStatus.Completed, done.Status);

        var stored = (await _factory.AllLinesAsync(job.Id)).Where(l => l.Source == LogSource.Stdout).Select(l => l.Text).ToList();
        Assert.Equal(6, stored.Count);
        // Masked where the view shows it whole, the codes kept after the mask so the colours that follow stay.
        Assert.Equal("split ***\u001b[0m end", stored[0]);
        Assert.Equal("coloured \u001b[31m***\u001b[1m\u001b[32m\u001b[0m", stored[1]);
        // Across the cut: masked before it, so the mask (or its start) stands where the secret began.
        var marker = LineSplitter.TruncatedMarker;
        var half = JobsFactory.Password.Length / 2;
        Assert.Equal(new string('x', JobLogWriter.MaxLineLength - half) + "***" + new string('y', half - 3) + marker, stored[2]);
        Assert.Equal(new string('z', JobLogWriter.MaxLineLength - 2) + "**" + marker, stored[3]);
        // Masked far below the limit, but the reader had cut it in the middle of a value: that start is masked too.
        var read = JobLogWriter.MaxLineLength + JobLogWriter.MaskSlack;
        var whole = read / (JobsFactory.Password.Length + 1);
        Assert.Equal(string.Concat(Enumerable.Repeat("*** ", whole)) + "***" + marker, stored[4]);
        Assert.Equal("done", stored[5]);

        // The stored text, raw, stripped (search, parsers, the page's download) and as the view renders it.
        foreach (var line in stored)
        {
            AssertNoSecret(line);
            AssertNoSecret(Ansi.Strip(line));
            AssertNoSecret(string.Concat(AnsiText.Parse(line).Select(s => s.Text)));
        }

        using var admin = await _factory.AdminClientAsync();
        var page = (await admin.GetFromJsonAsync<JsonObject>($"/api/jobs/{job.Id}/logs?limit=100"))!;
        Assert.Equal(stored.Count, page["lines"]!.AsArray().Count(l => l!["source"]!.GetValue<string>() == "stdout"));
        AssertNoSecret(page.ToJsonString());
        AssertNoSecret(await admin.GetStringAsync($"/api/jobs/{job.Id}/logs.txt"));
        AssertNoSecret(await admin.GetStringAsync($"/api/jobs/{job.Id}"));

        // The job page as the admin's circuit renders it (its live feed reads the stored lines).
        var rendered = Render<JobPage>(p => p.Add(x => x.Id, job.Id));
        // A line's text content is its number, then its text.
        rendered.WaitForAssertion(() => Assert.Contains(rendered.FindAll(".log-line"), l => l.TextContent.EndsWith("done", StringComparison.Ordinal)), Patience);
        Assert.Contains(rendered.FindAll(".log-line"), l => l.TextContent.EndsWith("split *** end", StringComparison.Ordinal));
        AssertNoSecret(rendered.Markup);
    }

    private static void AssertNoSecret(string text)
    {
        var at = text.IndexOf(SecretStart, StringComparison.Ordinal);
        Assert.True(at < 0, $"the secret's start shows: …{text.Substring(Math.Max(0, at - 40), Math.Min(text.Length - Math.Max(0, at - 40), 80))}…");
    }
}
