using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Common;
using Bunit;

namespace AirsenalOps.Tests.Components.Common;

public sealed class PitchTests : ConsoleTestContext
{
    private static readonly PitchPlayer[] Squad =
    [
        new("Raya", "GK") { Team = "ARS", Price = 5.5 },
        new("Saliba", "DEF") { Team = "ARS" },
        new("Gabriel", "DEF") { Team = "ARS" },
        new("Salah", "MID") { Team = "LIV", IsCaptain = true, Price = 13.1, Points = 12 },
        new("Saka", "MID") { Team = "ARS", IsViceCaptain = true },
        new("Haaland", "FWD") { Team = "MCI", Highlighted = true, Note = "Not in AIrsenal's squad" },
        new("Flekken", "GK") { BenchOrder = 1 },
        new("Mykolenko", "DEF") { BenchOrder = 3 },
        new("Wharton", "MID") { BenchOrder = 2 },
    ];

    [Fact]
    public void Starters_StandInPositionRows_FromGoalkeeperToForwards()
    {
        var pitch = Render<Pitch>(p => p.Add(x => x.Players, Squad));

        var rows = pitch.FindAll(".pitch-row");
        Assert.Equal(["GK", "DEF", "MID", "FWD"], rows.Select(r => r.GetAttribute("data-row")));
        Assert.Equal(2, rows[1].QuerySelectorAll("[data-testid=pitch-player]").Length);
    }

    [Fact]
    public void Bench_IsListedInBenchOrder()
    {
        var pitch = Render<Pitch>(p => p.Add(x => x.Players, Squad));

        var names = pitch.Find("[data-testid=bench]").QuerySelectorAll(".pitch-name").Select(n => n.TextContent);
        Assert.Equal(["Flekken", "Wharton", "Mykolenko"], names);
    }

    [Fact]
    public void CaptainViceAndHighlights_AreMarked()
    {
        var pitch = Render<Pitch>(p => p.Add(x => x.Players, Squad));

        Assert.Contains("Salah", pitch.Find("[data-testid=captain]").ParentElement!.ParentElement!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Saka", pitch.Find("[data-testid=vice-captain]").ParentElement!.ParentElement!.TextContent, StringComparison.Ordinal);
        var highlighted = pitch.Find(".pitch-card-highlight");
        Assert.Equal("Not in AIrsenal's squad", highlighted.GetAttribute("title"));
        Assert.Contains("£13.1m", pitch.Markup, StringComparison.Ordinal);
        Assert.Contains("12 pts", pitch.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GKP", "GK")]
    [InlineData("Defender", "DEF")]
    [InlineData("3", "MID")]
    [InlineData("fwd", "FWD")]
    [InlineData(null, "?")]
    public void Positions_FromAnySource_Normalise(string? given, string expected) =>
        Assert.Equal(expected, PitchPlayer.NormalisePosition(given));

    [Fact]
    public void UnknownPositions_StillAppear_InTheirOwnRow()
    {
        var pitch = Render<Pitch>(p => p.Add(x => x.Players, [new PitchPlayer("Mystery", "coach")]));

        Assert.Equal("?", pitch.Find(".pitch-row").GetAttribute("data-row"));
        Assert.Empty(pitch.FindAll("[data-testid=bench]"));
    }
}
