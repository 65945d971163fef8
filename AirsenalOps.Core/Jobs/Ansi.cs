using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Jobs;

/// <summary>ANSI escape sequences are kept in stored lines (the UI colours them) and stripped for parsing.</summary>
public static partial class Ansi
{
    public static string Strip(string text) =>
        text.Contains('\u001b', StringComparison.Ordinal) ? Escape().Replace(text, string.Empty) : text;

    [GeneratedRegex(@"\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])")]
    private static partial Regex Escape();
}
