using System.Globalization;
using AirsenalOps.Core.Secrets;

namespace AirsenalOps.Core.Team;

/// <summary>The FPL team id as the console knows it, or why it cannot be used.</summary>
public sealed record FplTeamIdReading(int? TeamId, bool IsMissing, string? Problem);

/// <summary>
/// Reads the user's FPL team id from the FPL_TEAM_ID secret (the same value AIrsenal's jobs receive), so the
/// API and the pages agree on what "not configured" and "not a number" mean.
/// </summary>
public static class FplTeamId
{
    public const string SecretKey = "FPL_TEAM_ID";

    public static async Task<FplTeamIdReading> ReadAsync(ISecretReader secrets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var all = await secrets.ReadAllAsync(cancellationToken);
        return Parse(all.TryGetValue(SecretKey, out var text) ? text : null);
    }

    public static FplTeamIdReading Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new FplTeamIdReading(null, true, "FPL team ID not configured");
        }

        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id > 0
            ? new FplTeamIdReading(id, false, null)
            : new FplTeamIdReading(null, false, "The FPL_TEAM_ID secret is not a positive whole number.");
    }
}
