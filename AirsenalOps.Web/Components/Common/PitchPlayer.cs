namespace AirsenalOps.Web.Components.Common;

/// <summary>
/// A player as the pitch shows him, whatever the source (the optimiser's lineup, the live FPL team):
/// pages map their data to this. <see cref="BenchOrder"/> is null for a starter.
/// </summary>
public sealed record PitchPlayer(string Name, string Position)
{
    public string? Team { get; init; }

    /// <summary>Price in £m.</summary>
    public double? Price { get; init; }

    public double? Points { get; init; }

    public bool IsCaptain { get; init; }

    public bool IsViceCaptain { get; init; }

    public int? BenchOrder { get; init; }

    /// <summary>AIrsenal's expected points for the next gameweek, when a prediction covers it.</summary>
    public double? ExpectedPoints { get; init; }

    /// <summary>AIrsenal's plan sells him.</summary>
    public bool Sell { get; init; }

    /// <summary>Drawn out, e.g. a player AIrsenal's squad does not have.</summary>
    public bool Highlighted { get; init; }

    /// <summary>Why the player is highlighted, shown as a tooltip.</summary>
    public string? Note { get; init; }

    /// <summary>GK, DEF, MID, FWD from the names AIrsenal and FPL use (GKP, Goalkeeper, element_type 1–4...).</summary>
    public static string NormalisePosition(string? position) => position?.Trim().ToUpperInvariant() switch
    {
        "GK" or "GKP" or "GOALKEEPER" or "1" => "GK",
        "DEF" or "DEFENDER" or "2" => "DEF",
        "MID" or "MIDFIELDER" or "3" => "MID",
        "FWD" or "FW" or "FORWARD" or "4" => "FWD",
        _ => "?",
    };
}
