using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Layout;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace AirsenalOps.Tests.Components.Layout;

public sealed class MainLayoutTests : CoreTestContext
{
    public MainLayoutTests()
        : base(signedIn: true)
    {
    }

    private static readonly RenderFragment Page = builder => builder.AddMarkupContent(0, "<p id=\"page\">page body</p>");

    [Fact]
    public void Layout_RendersTheBodyInsideTheShell_WithNavigation()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, Page));

        Assert.NotNull(layout.Find("#page"));
        Assert.Contains("AirsenalOps", layout.Find(".mud-appbar").TextContent, StringComparison.Ordinal);
        Assert.Contains("Dashboard", layout.Find(".mud-drawer").TextContent, StringComparison.Ordinal);
        Assert.Equal(
            ["", "predictions", "optimisation", "team", "jobs", "schedules", "notifications", "environment", "audit", "settings", "scalar"],
            layout.FindAll(".mud-drawer a").Select(a => a.GetAttribute("href")));
        Assert.Equal("_blank", layout.Find(".mud-drawer a[href=scalar]").GetAttribute("target"));
    }

    [Fact]
    public async Task RunningJob_IsShownOnEveryPage_AndFollowsItsProgress()
    {
        var job = await Core.AddJobAsync(CoreServices.NewJob("optimize", AirsenalOps.Core.Storage.JobStatus.Running) with { StartedAt = Core.Clock.GetUtcNow(), Progress = 12 });
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, Page));

        layout.WaitForAssertion(() => Assert.Contains("optimize 12%", layout.Find("[data-testid=running-job]").TextContent, StringComparison.Ordinal), Patience);

        Core.Notifier.Publish(new AirsenalOps.Core.Jobs.JobChangedEvent(job with { Progress = 57 }));
        layout.WaitForAssertion(() => Assert.Contains("optimize 57%", layout.Find("[data-testid=running-job]").TextContent, StringComparison.Ordinal), Patience);

        Core.Notifier.Publish(new AirsenalOps.Core.Jobs.JobChangedEvent(job with { Status = AirsenalOps.Core.Storage.JobStatus.Completed }));
        layout.WaitForAssertion(() => Assert.Empty(layout.FindAll("[data-testid=running-job]")), Patience);
    }

    [Fact]
    public void Times_ReadInTheZoneTheBrowserReports()
    {
        JSInterop.Setup<string?>("airsenalOps.timeZone").SetResult("Asia/Tokyo");
        RenderFragment body = builder =>
        {
            builder.OpenComponent<AirsenalOps.Web.Components.Common.LocalTime>(0);
            builder.AddAttribute(1, "Value", (DateTimeOffset?)new DateTimeOffset(2026, 12, 5, 11, 0, 7, TimeSpan.Zero));
            builder.CloseComponent();
        };

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, body));

        layout.WaitForAssertion(() => Assert.Equal("2026-12-05 20:00:07 UTC+9", layout.Find("span.local-time").TextContent), Patience);
        Assert.NotEmpty(layout.FindAll("[data-circuit-ready]"));
    }

    [Fact]
    public void Times_StayInLabelledUtc_WhenTheBrowserSendsAZoneThisMachineDoesNotKnow()
    {
        JSInterop.Setup<string?>("airsenalOps.timeZone").SetResult("Mars/Olympus_Mons");
        RenderFragment body = builder =>
        {
            builder.OpenComponent<AirsenalOps.Web.Components.Common.LocalTime>(0);
            builder.AddAttribute(1, "Value", (DateTimeOffset?)new DateTimeOffset(2026, 12, 5, 11, 0, 7, TimeSpan.Zero));
            builder.CloseComponent();
        };

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, body));

        layout.WaitForAssertion(() => Assert.NotEmpty(layout.FindAll("[data-circuit-ready]")), Patience);
        Assert.Equal("2026-12-05 11:00:07 UTC", layout.Find("span.local-time").TextContent);
    }

    [Fact]
    public void Dialogs_CloseOnEscape() =>
        Assert.True(Render<MainLayout>(p => p.Add(l => l.Body, Page)).FindComponent<MudBlazor.MudDialogProvider>().Instance.CloseOnEscapeKey);

    [Fact]
    public void Layout_ShowsTheSignedInAdmin() =>
        Assert.Equal("admin", Render<MainLayout>(p => p.Add(l => l.Body, Page)).Find("[data-testid=signed-in-admin]").TextContent);

    [Fact]
    public void Layout_MarksTheCircuitReady_WhenInteractive() =>
        Assert.NotEmpty(Render<MainLayout>(p => p.Add(l => l.Body, Page)).FindAll("[data-circuit-ready]"));

    [Fact]
    public void Layout_DoesNotMarkTheCircuitReady_WhilePrerendering()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        Assert.Empty(Render<MainLayout>(p => p.Add(l => l.Body, Page)).FindAll("[data-circuit-ready]"));
    }

    [Fact]
    public void Layout_StartsDark_WhenTheBrowserRemembersDark()
    {
        JSInterop.Setup<string?>("localStorage.getItem", ThemePreference.StorageKey).SetResult("dark");

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, Page));

        layout.WaitForAssertion(() => Assert.Equal("Toggle dark mode", layout.Find("[data-testid=theme-toggle]").GetAttribute("aria-label")), Patience);
        layout.WaitForAssertion(() => Assert.True(layout.FindComponent<ThemeToggle>().Instance.IsDarkMode), Patience);
    }

    [Fact]
    public void ThemeToggle_SavesTheChoice_InLocalStorage()
    {
        JSInterop.Setup<string?>("localStorage.getItem", ThemePreference.StorageKey).SetResult("light");
        var save = JSInterop.SetupVoid("localStorage.setItem", ThemePreference.StorageKey, "dark");
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, Page));

        layout.Find("[data-testid=theme-toggle]").Click();

        layout.WaitForAssertion(() => Assert.Single(save.Invocations), Patience);
        Assert.True(layout.FindComponent<ThemeToggle>().Instance.IsDarkMode);
    }

    [Fact]
    public async Task ThemePreference_ReadsNothing_WhenStorageIsUnavailable()
    {
        JSInterop.Setup<string?>("localStorage.getItem", ThemePreference.StorageKey).SetException(new Microsoft.JSInterop.JSException("denied"));

        Assert.Null(await new ThemePreference(JSInterop.JSRuntime).LoadAsync());
    }
}
