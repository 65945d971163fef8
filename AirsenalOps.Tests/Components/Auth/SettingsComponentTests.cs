using AirsenalOps.Core.Auth;
using AirsenalOps.Core.Secrets;
using AirsenalOps.Web.Components.Pages.Settings;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Components.Auth;

public sealed class SettingsComponentTests : MudTestContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly AuthComponentServices _services;

    public SettingsComponentTests()
        : this(null)
    {
    }

    private SettingsComponentTests(AdminOptions? environmentAdmin)
    {
        _services = new AuthComponentServices(environmentAdmin);
        _services.AddTo(Services);
    }

    [Fact]
    public void Secrets_ListsTheKnownKeysAsNotSet()
    {
        var editor = Render<SecretsEditor>();

        editor.WaitForAssertion(() => Assert.Equal("not set", editor.Find("[data-testid=secret-FPL_TEAM_ID] [data-testid=secret-state]").TextContent.Trim()), Wait);
        foreach (var key in SecretKeys.Known)
        {
            Assert.NotNull(editor.Find($"[data-testid=secret-{key}]"));
        }
    }

    [Fact]
    public async Task Secrets_SavingAValue_MarksItSet_StoresItEncrypted_AndNeverShowsIt()
    {
        var editor = Render<SecretsEditor>();
        editor.WaitForAssertion(() => editor.Find("[data-testid=secret-FPL_PASSWORD] input"), Wait);

        editor.Find("[data-testid=secret-FPL_PASSWORD] input").Input("my-fpl-password-123");
        editor.Find("[data-testid=secret-FPL_PASSWORD] button[data-testid=secret-save]").Click();

        editor.WaitForAssertion(() => Assert.Equal("set", editor.Find("[data-testid=secret-FPL_PASSWORD] [data-testid=secret-state]").TextContent.Trim()), Wait);
        Assert.DoesNotContain("my-fpl-password-123", editor.Markup, StringComparison.Ordinal);
        Assert.NotEqual("—", editor.Find("[data-testid=secret-FPL_PASSWORD] [data-testid=secret-updated]").TextContent.Trim());
        Assert.Equal("my-fpl-password-123", (await _services.Secrets.GetAsync("FPL_PASSWORD", CancellationToken.None)));
        var stored = (await _services.Storage.Secrets.GetAsync("FPL_PASSWORD", CancellationToken.None));
        Assert.True(Fernet.LooksLikeToken(stored!.Value));
    }

    [Fact]
    public async Task Secrets_ABadTeamId_ShowsWhy_AndIsNotSaved()
    {
        var editor = Render<SecretsEditor>();
        editor.WaitForAssertion(() => editor.Find("[data-testid=secret-FPL_TEAM_ID] input"), Wait);

        editor.Find("[data-testid=secret-FPL_TEAM_ID] input").Input("not-a-number");
        editor.Find("[data-testid=secret-FPL_TEAM_ID] button[data-testid=secret-save]").Click();

        editor.WaitForAssertion(() => Assert.Contains("positive whole number", editor.Find("[data-testid=secrets-message]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Null((await _services.Secrets.GetAsync("FPL_TEAM_ID", CancellationToken.None)));
    }

    [Fact]
    public async Task Secrets_Clear_MarksItNotSet()
    {
        await _services.Secrets.SetAsync("FPL_LOGIN", "me@example.com", CancellationToken.None);
        var editor = Render<SecretsEditor>();
        editor.WaitForAssertion(() => Assert.Equal("set", editor.Find("[data-testid=secret-FPL_LOGIN] [data-testid=secret-state]").TextContent.Trim()), Wait);

        editor.Find("[data-testid=secret-FPL_LOGIN] button[data-testid=secret-clear]").Click();

        editor.WaitForAssertion(() => Assert.Equal("not set", editor.Find("[data-testid=secret-FPL_LOGIN] [data-testid=secret-state]").TextContent.Trim()), Wait);
        Assert.Null((await _services.Secrets.GetAsync("FPL_LOGIN", CancellationToken.None)));
    }

    [Fact]
    public async Task AdminPassword_WrongCurrentPassword_IsRefused()
    {
        await _services.Admin.CreateFirstAsync("owner@example.com", "first password", CancellationToken.None);
        var form = Render<AdminPasswordForm>();
        form.WaitForAssertion(() => form.Find("[data-testid=change-password]"), Wait);

        form.Find("[data-testid=current-password] input, input[data-testid=current-password]").Change("not it at all");
        form.Find("[data-testid=new-password] input, input[data-testid=new-password]").Change("second password");
        form.Find("[data-testid=confirm-password] input, input[data-testid=confirm-password]").Change("second password");
        form.Find("button[data-testid=change-password]").Click();

        form.WaitForAssertion(() => Assert.Contains("not right", form.Find("[data-testid=password-message]").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task AdminPassword_Change_StoresTheNewHash_AndSendsToLogin()
    {
        await _services.Admin.CreateFirstAsync("owner@example.com", "first password", CancellationToken.None);
        var form = Render<AdminPasswordForm>();
        form.WaitForAssertion(() => form.Find("[data-testid=change-password]"), Wait);

        form.Find("[data-testid=current-password] input, input[data-testid=current-password]").Change("first password");
        form.Find("[data-testid=new-password] input, input[data-testid=new-password]").Change("second password");
        form.Find("[data-testid=confirm-password] input, input[data-testid=confirm-password]").Change("second password");
        form.Find("button[data-testid=change-password]").Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        form.WaitForAssertion(() => Assert.EndsWith("/login?error=password-changed", navigation.Uri, StringComparison.Ordinal), Wait);
        var (outcome, _) = (await _services.Admin.VerifyAsync("owner@example.com", "second password", CancellationToken.None));
        Assert.Equal(LoginOutcome.Success, outcome);
    }

    [Fact]
    public void AdminPassword_FromTheEnvironment_SaysWhereToChangeIt()
    {
        using var context = new EnvironmentAdminContext();

        var form = context.Render<AdminPasswordForm>();

        form.WaitForAssertion(() => Assert.Contains("APP_ADMIN_PASSWORD_HASH", form.Find("[data-testid=admin-from-env]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(form.FindAll("button[data-testid=change-password]"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _services.Dispose();
        }
    }

    private sealed class EnvironmentAdminContext : MudTestContext
    {
        private readonly AuthComponentServices _services = new(new AdminOptions
        {
            Email = "env@example.com",
            PasswordHash = new PasswordHasher(4).Hash("environment password"),
        });

        public EnvironmentAdminContext() => _services.AddTo(Services);

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                _services.Dispose();
            }
        }
    }
}
