using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E.Support;

/// <summary>Full-page screenshots of each page, kept under TestResults/screenshots for a human to look at.</summary>
public static class Screenshots
{
    /// <summary>
    /// The repository's TestResults folder (the one ./test.sh hands to CI) when the tests run from a
    /// checkout, else the test output folder.
    /// </summary>
    public static string Folder { get; } = Path.Combine(FindResultsRoot(), "TestResults", "screenshots");

    public static async Task<string> SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    private static string FindResultsRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AirsenalOps.sln")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
