namespace AirsenalOps.Core.Reports;

/// <summary>Why a report cannot be built: the API answers 404 for a missing database, 409 for one without the data.</summary>
public enum ReportProblem
{
    DatabaseMissing,
    NoData,
}

public sealed class ReportUnavailableException(ReportProblem problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public ReportProblem Problem { get; } = problem;
}

/// <summary>A prediction run: its tag, season and the gameweeks it covers.</summary>
public sealed record PredictionTagReport(string Tag, string Season, IReadOnlyList<int> Gameweeks, int Predictions);

/// <summary>Which predicted points to list; Sort is total_points, price, name, team or position.</summary>
public sealed record PredictionQuery(
    string? Tag = null,
    int? Gameweek = null,
    string? Position = null,
    string? Team = null,
    string? Search = null,
    string Sort = "total_points",
    bool Descending = true,
    int Page = 1,
    int PageSize = 50)
{
    public static IReadOnlyList<string> SortKeys { get; } = ["total_points", "price", "name", "team", "position"];

    public static IReadOnlyList<string> Positions { get; } = ["GK", "DEF", "MID", "FWD"];

    /// <summary>The first problem with the query, naming the parameter; null when it is valid.</summary>
    public string? Validate() =>
        Page < 1 ? "page must be 1 or more"
        : PageSize is < 1 or > 1000 ? "page_size must be between 1 and 1000"
        : !SortKeys.Contains(Sort) ? $"sort must be one of {string.Join(", ", SortKeys)}"
        : Position is not null && !Positions.Contains(Position.ToUpperInvariant()) ? "position must be one of GK, DEF, MID, FWD"
        : Gameweek is < 1 or > 38 ? "gameweek must be between 1 and 38"
        : null;
}

/// <summary>A player's predicted points; price in £m. Points are summed per gameweek (a double gameweek adds up).</summary>
public sealed record PlayerPrediction(
    int PlayerId,
    int? FplApiId,
    string Name,
    string? Team,
    string? Position,
    double? Price,
    IReadOnlyDictionary<int, double> PointsByGameweek,
    double TotalPoints);

public sealed record PredictionPage(
    string Tag,
    string Season,
    IReadOnlyList<int> Gameweeks,
    int Total,
    int Page,
    int PageSize,
    IReadOnlyList<PlayerPrediction> Players);

/// <summary>A player named in a report, with his team/position/price at the gameweek in question.</summary>
public sealed record ReportPlayer(int PlayerId, int? FplApiId, string Name, string? Team, string? Position, double? Price);

public sealed record SuggestionGameweek(int Gameweek, string? Chip, IReadOnlyList<ReportPlayer> Out, IReadOnlyList<ReportPlayer> In);

/// <summary>
/// The newest optimiser run in transfer_suggestion. An optimum with no transfers writes no rows, so
/// <see cref="Timestamp"/> (AIrsenal's local time) tells whether this is really the latest run.
/// </summary>
public sealed record TransferSuggestionReport(string Timestamp, string Season, int FplTeamId, double PointsGain, bool NewSquad, IReadOnlyList<SuggestionGameweek> Gameweeks);

public sealed record SquadPlayer(int PlayerId, int? FplApiId, string Name, string? Team, string? Position, double PurchasePrice, int SinceGameweek);

/// <summary>The squad AIrsenal believes the team has, from its transaction table.</summary>
public sealed record SquadReport(int FplTeamId, string Season, int? Gameweek, IReadOnlyList<SquadPlayer> Players);

/// <summary>
/// One fixture of a predicted gameweek from the player's side: the opponent, home or away, and how hard the
/// opponent has been this season (1 easiest … 5 hardest, null before any result of the season is in).
/// </summary>
public sealed record PredictionFixture(string Opponent, bool Home, int? Difficulty);

/// <summary>
/// What a manager checks next to a prediction: the fixtures per gameweek, AIrsenal's availability data
/// (news and chance of playing, from player_attributes) and the points actually scored in finished gameweeks.
/// </summary>
public sealed record PlayerPredictionDetail(
    int PlayerId,
    IReadOnlyDictionary<int, IReadOnlyList<PredictionFixture>> Fixtures,
    string? News,
    int? ChanceOfPlaying,
    IReadOnlyDictionary<int, int> ActualPoints);

/// <summary>How good the run was on a finished gameweek, over the players with both a prediction and a score.</summary>
public sealed record GameweekAccuracy(int Gameweek, int Players, double Predicted, double Actual, double MeanAbsoluteError);

/// <summary>Details of a prediction run for some players, plus the run's accuracy on its finished gameweeks.</summary>
public sealed record PredictionDetails(
    IReadOnlyDictionary<int, PlayerPredictionDetail> Players,
    IReadOnlyList<GameweekAccuracy> Accuracy,
    bool DifficultyRated);
