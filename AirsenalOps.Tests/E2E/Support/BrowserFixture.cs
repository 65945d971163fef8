using Microsoft.Playwright;

namespace AirsenalOps.Tests.E2E.Support;

/// <summary>
/// One Debian Chromium for every browser test (launching it is the slow part); each test gets its
/// own context, so cookies and localStorage never leak between tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    // No browser download and no calls home: the machine has no internet and CI must not depend on it.
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./test.sh (it installs Debian's chromium) or apt-get install -y chromium.");
        }

        // Expectations poll up to 30 s (default 5 s): a loaded 2-core machine is slow, not wrong.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = Flags,
        });
    }

    /// <summary>
    /// A fresh browser profile with a desktop-sized window (or <paramref name="viewport"/>, e.g. a phone), in
    /// the machine's time zone or <paramref name="timezoneId"/> (an IANA id Chromium emulates).
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(string? timezoneId = null, ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = viewport ?? new ViewportSize { Width = 1366, Height = 900 },
            ColorScheme = ColorScheme.Light,
            TimezoneId = timezoneId,
        });
        // A loaded 2-core machine renders slowly: waits are generous, assertions still fail for real.
        context.SetDefaultTimeout(30_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserSuite : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
