using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AirsenalOps.Core.Airsenal.Parsers;

public sealed record DataCheck(string Name, bool Ok, int Errors);

/// <summary>airsenal_check_data's SUMMARY: it always exits 0, so this is the only verdict (reference §2.10).</summary>
public sealed record DataCheckOutput(string Type, bool Passed, int TestsPassed, int TestsTotal, int Errors, IReadOnlyList<DataCheck> Checks);

public static partial class DataCheckParser
{
    public static DataCheckOutput? Parse(IEnumerable<string> rawLines)
    {
        var lines = OutputText.Normalize(rawLines);
        var checks = new List<DataCheck>();
        var inSummary = false;
        foreach (var line in lines)
        {
            if (line == "SUMMARY")
            {
                inSummary = true;
                checks.Clear();
            }
            else if (Overall().Match(line) is { Success: true } overall)
            {
                var passed = OutputText.ParseInt(overall.Groups[1].Value);
                var total = OutputText.ParseInt(overall.Groups[2].Value);
                var errors = OutputText.ParseInt(overall.Groups[3].Value);
                return new DataCheckOutput("data_checks", passed == total && errors == 0, passed, total, errors, checks);
            }
            else if (inSummary && Check().Match(line) is { Success: true } check)
            {
                var ok = check.Groups[2].Value == "OK!";
                checks.Add(new DataCheck(check.Groups[1].Value.Trim(), ok, ok ? 0 : OutputText.ParseInt(check.Groups[3].Value)));
            }
        }

        return null;
    }

    public static JsonObject? ParseToJson(IEnumerable<string> lines) =>
        Parse(lines) is { } output ? OutputText.ToJsonObject(output) : null;

    [GeneratedRegex(@"^OVERALL: Passed (\d+) out of (\d+) tests with (\d+) errors\.")]
    private static partial Regex Overall();

    [GeneratedRegex(@"^(.+?):\s+(OK!|FAIL!\s*(\d+) errors?\.?)$")]
    private static partial Regex Check();
}
