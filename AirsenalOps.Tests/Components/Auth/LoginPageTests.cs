using AirsenalOps.Web.Components.Pages.Auth;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Components.Auth;

public sealed class LoginPageTests : MudTestContext
{
    private readonly AuthComponentServices _services = new();

    public LoginPageTests() => _services.AddTo(Services);

    [Fact]
    public void Renders_APlainFormPost_WithNamedFieldsAntiforgeryAndReturnUrl()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/login?returnUrl=%2Fsettings");

        var page = Render<Login>();

        var form = page.Find("form[data-testid=login-form]");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/auth/login", form.GetAttribute("action"));
        Assert.NotNull(form.QuerySelector("input[name=email]"));
        Assert.Equal("password", form.QuerySelector("input[name=password]")!.GetAttribute("type"));
        Assert.Equal(AntiforgeryTokenValue, form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value"));
        Assert.Equal("/settings", form.QuerySelector("input[name=returnUrl]")!.GetAttribute("value"));
        Assert.Equal("submit", page.Find("[data-testid=login-submit]").GetAttribute("type"));
    }

    [Theory]
    [InlineData("/login?error=invalid", "Wrong e-mail or password.")]
    [InlineData("/login?error=throttled&retry=45", "Try again in 45 seconds; until then no password is checked")]
    [InlineData("/login?error=throttled&retry=840", "Try again in 14 minutes;")]
    [InlineData("/login?signedOut=1", "You are signed out.")]
    [InlineData("/login?error=password-changed", "Sign in with the new one.")]
    public void ShowsWhatHappened_FromTheQuery(string url, string expected)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);

        var page = Render<Login>();

        Assert.Contains(expected, page.Find("[data-testid=login-message]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void FailedSignIn_KeepsTheEmail_ButNotThePassword()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/login?error=invalid&email=owner%40example.com");

        var page = Render<Login>();

        Assert.Equal("owner@example.com", page.Find("input[name=email]").GetAttribute("value"));
        Assert.True(string.IsNullOrEmpty(page.Find("input[name=password]").GetAttribute("value")));
    }

    [Fact]
    public async Task PointsToFirstRunSetup_OnlyWhileNoAdminExists()
    {
        var before = Render<Login>();
        before.WaitForAssertion(() => Assert.NotNull(before.Find("[data-testid=setup-hint]")), TimeSpan.FromSeconds(30));

        Assert.True((await _services.Admin.CreateFirstAsync("owner@example.com", "a good password", CancellationToken.None)));

        var after = Render<Login>();
        after.WaitForAssertion(() => Assert.Empty(after.FindAll("[data-testid=setup-hint]")), TimeSpan.FromSeconds(30));
        Assert.Empty(after.FindAll("[data-testid=login-message]"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _services.Dispose();
        }
    }
}
