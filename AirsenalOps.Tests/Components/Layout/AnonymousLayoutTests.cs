using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Layout;
using AirsenalOps.Web.Components.Pages.Jobs;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace AirsenalOps.Tests.Components.Layout;

/// <summary>Issue 13.5: /not-found uses the main layout, whose running-job chip showed an anonymous visitor the admin's job.</summary>
public sealed class AnonymousLayoutTests : CoreTestContext
{
    public AnonymousLayoutTests()
        : base(anonymous: true)
    {
    }

    [Fact]
    public async Task AnAnonymousLayout_HasNoRunningJobIndicator_SoItNeitherShowsNorFollowsJobs()
    {
        await Core.AddJobAsync(CoreServices.NewJob("optimize", AirsenalOps.Core.Storage.JobStatus.Running) with { StartedAt = Core.Clock.GetUtcNow(), Progress = 12 });

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p id=\"page\">not found</p>"))));

        Assert.NotNull(layout.Find("#page"));
        Assert.Empty(layout.FindComponents<RunningJobIndicator>());
        Assert.Empty(layout.FindAll("[data-testid=running-job]"));
        Assert.DoesNotContain("optimize", layout.Markup, StringComparison.Ordinal);
    }
}
