namespace AirsenalOps.Tests.Unit.Airsenal;

/// <summary>Output fixtures written from the reference's format description (Fixtures/airsenal-output).</summary>
internal static class Fixture
{
    public static string[] Lines(string name) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "airsenal-output", name), System.Text.Encoding.UTF8);
}
