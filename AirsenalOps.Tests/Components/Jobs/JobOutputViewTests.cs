using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Tests.Unit.Airsenal;
using AirsenalOps.Web.Components.Pages.Jobs;
using Bunit;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Jobs;

public sealed class JobOutputViewTests : ConsoleTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 20, 0, 0, TimeSpan.Zero);

    private IRenderedComponent<JobOutputView> RenderOutput(string command, JsonObject? output) =>
        Render<JobOutputView>(p => p.Add(v => v.Job, new JobRecord { Id = "job-1", Command = command, Status = JobStatus.Completed, Output = output }));

    private IRenderedComponent<JobOutputView> RenderParsed(string command, params string[] lines) =>
        RenderOutput(command, AirsenalOutputParser.Parse(command, lines, Now));

    [Fact]
    public void Predict_ShowsTheTopPlayersPerPosition()
    {
        var view = RenderParsed("predict", Fixture.Lines("predict.txt"));

        Assert.Contains("gameweeks 12, 13, 14", view.Find("[data-testid=output-headline]").TextContent, StringComparison.Ordinal);
        var rows = view.FindAll("[data-testid=top-player]");
        Assert.Contains(rows, r => r.TextContent.Contains("M.Salah", StringComparison.Ordinal) && r.TextContent.Contains("24.75", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.TextContent.Contains("Smith, Jr.", StringComparison.Ordinal) && r.TextContent.Contains('–', StringComparison.Ordinal));
        Assert.Empty(view.FindAll("[data-testid=output-raw]"));
    }

    [Fact]
    public void Optimise_ShowsTheHeadline_TransfersPerGameweek_AndTheLineup()
    {
        var view = RenderParsed("optimize", Fixture.Lines("optimise-current.txt"));

        Assert.Contains("6.6", view.Find("[data-testid=output-gain]").TextContent, StringComparison.Ordinal);
        var gameweeks = view.FindAll("[data-testid=strategy-gameweek]");
        Assert.Equal(3, gameweeks.Count);
        Assert.Contains("Gabriel", gameweeks[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Saliba", gameweeks[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("triple_captain", gameweeks[1].TextContent, StringComparison.Ordinal);
        Assert.Equal(15, view.FindAll("[data-testid=pitch-player]").Count);
    }

    [Fact]
    public void Optimise_WithoutALineupInThePrintout_SaysSo()
    {
        var view = RenderOutput("pipeline", AirsenalOutputParser.Parse("pipeline", Fixture.Lines("pipeline.txt"), Now));

        Assert.Contains("Finished OK", view.Find("[data-testid=pipeline-output] [data-testid=output-headline]").TextContent, StringComparison.Ordinal);
        Assert.Equal(["update_db", "predict", "optimize"], view.FindAll("[data-testid=pipeline-stage]").Select(s => s.TextContent.Trim()).Skip(1));
        Assert.Single(view.FindAll("[data-testid=prediction-output]"));
        Assert.Contains("no lineup", view.Find("[data-testid=output-no-lineup]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void MakeSquad_ShowsScoresAndTheSquadOnThePitch()
    {
        var view = RenderParsed("make_squad", Fixture.Lines("make-squad.txt"));

        Assert.Contains("171.23", view.Find("[data-testid=squad-output] [data-testid=output-headline]").TextContent, StringComparison.Ordinal);
        Assert.Equal(15, view.FindAll("[data-testid=pitch-player]").Count);
    }

    [Fact]
    public void CheckData_ShowsTheVerdictAndEachCheck()
    {
        var view = RenderParsed("check_data", Fixture.Lines("check-data.txt"));

        Assert.Contains("Passed 7 of 8 checks with 2 errors", view.Find("[data-testid=output-headline]").TextContent, StringComparison.Ordinal);
        Assert.Contains(view.FindAll("[data-testid=data-check]"), c => c.TextContent.Contains("Number of fixtures", StringComparison.Ordinal) && c.TextContent.Contains("2 errors", StringComparison.Ordinal));
    }

    [Fact]
    public void UpdateDb_ShowsWhatEachStepDid()
    {
        var view = RenderParsed("update_db", "Player table already up-to-date.", "Updating fixture table...", "Updating results table ...",
            "Checking team", "Adding transaction: gameweek: 12 removing player 4 for 60", "Adding transaction: gameweek: 12 adding player 5 for 45");

        var steps = view.FindAll("[data-testid=update-step]").Select(s => s.TextContent).ToList();
        Assert.Contains(steps, s => s.Contains("Players", StringComparison.Ordinal) && s.Contains("already up to date", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.Contains("Your squad", StringComparison.Ordinal) && s.Contains("1 in, 1 out", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.Contains("Attributes", StringComparison.Ordinal) && s.Contains("not updated", StringComparison.Ordinal));
    }

    [Fact]
    public void UpdateDb_OnAnEmptyDatabase_SaysToRunSetup()
    {
        var view = RenderParsed("update_db", "Database is empty, run 'airsenal_setup_initial_db' first");

        Assert.Contains("run setup_db first", view.Find("[data-testid=output-headline]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void SetupDb_ShowsSeasonsPlayersAndTheFirstSquad()
    {
        var view = RenderParsed("setup_db", "FIFA RATINGS 2425", "Adding new player Raya", "Adding player Raya in GW1 for £5.5m", "DONE!");

        Assert.Contains("The database was built", view.Find("[data-testid=output-headline]").TextContent, StringComparison.Ordinal);
        Assert.Equal("2425", view.Find("[data-testid=setup-seasons]").TextContent);
        Assert.Equal("1", view.Find("[data-testid=setup-players]").TextContent);
        Assert.Contains("Raya (GW1, £5.5m)", view.Find("[data-testid=setup-squad]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void SetupDb_OnAnExistingDatabase_SaysNothingWasBuilt()
    {
        var view = RenderParsed("setup_db", "AIrsenal database already exists. Run 'airsenal_setup_initial_db --clean' to delete and recreate it.");

        Assert.Contains("already existed", view.Find("[data-testid=output-headline]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownShape_FallsBackToTheRawDocument()
    {
        var view = RenderOutput("optimize", new JsonObject { ["type"] = "optimisation", ["headline"] = "from the peer console" });

        Assert.NotEmpty(view.FindAll("[data-testid=output-no-view]"));
        Assert.Contains("from the peer console", view.Find("[data-testid=output-raw]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RawToggle_SwitchesBetweenTheViewAndTheStoredJson()
    {
        var view = RenderParsed("predict", Fixture.Lines("predict.txt"));
        var toggle = view.FindComponent<MudSwitch<bool>>();

        await view.InvokeAsync(() => toggle.Instance.ValueChanged.InvokeAsync(true));
        view.WaitForAssertion(() => Assert.Contains("\"headline\"", view.Find("[data-testid=output-raw]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(view.FindAll("[data-testid=prediction-output]"));
        Assert.Empty(view.FindAll("[data-testid=output-no-view]"));

        await view.InvokeAsync(() => toggle.Instance.ValueChanged.InvokeAsync(false));
        view.WaitForAssertion(() => Assert.Single(view.FindAll("[data-testid=prediction-output]")), Patience);
        Assert.Empty(view.FindAll("[data-testid=output-raw]"));
    }
}
