using System.Net;
using AirsenalOps.Core.Notifications;
using AirsenalOps.Core.Storage;
using AirsenalOps.Tests.Components.Schedules;
using AirsenalOps.Web.Components.Pages.Notifications;
using Bunit;
using MudBlazor;

namespace AirsenalOps.Tests.Components.Notifications;

public sealed class NotificationsPageTests : SchedulingTestContext
{
    private const string SecretUrl = "https://hooks.example.com/services/T000/B000/s3cr3t-token";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void NoWebhooks_ShowsBothEmptyStates()
    {
        var page = Render<NotificationsPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=webhooks-empty]"), Patience);
        Assert.Contains("Nothing sent yet", page.Find("[data-testid=deliveries-empty]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreDown_ShowsTheError()
    {
        Storage.Fail = true;

        var page = Render<NotificationsPage>();

        page.WaitForAssertion(() => Assert.Contains("Could not read the webhooks: store is down", page.Find("[data-testid=notifications-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=webhooks-table]"));
    }

    [Fact]
    public async Task Webhooks_AreListed_WithTheHostOnly_NeverTheSecretUrl()
    {
        await AddWebhookAsync("Team Slack", SecretUrl);
        var webhook = Assert.Single(await Notifications.ListAsync(None));
        await Storage.Notifications.AddDeliveryAsync(new DeliveryRecord
        {
            Id = "d1",
            WebhookId = webhook.Id,
            Event = NotificationService.JobFailed,
            Status = "failed",
            Attempts = 4,
            StatusCode = 500,
            Error = "HTTP 500 Internal Server Error",
            CreatedAt = Now.AddMinutes(-2),
            CompletedAt = Now.AddMinutes(-1),
            JobId = "job-1",
        }, None);

        var page = Render<NotificationsPage>();

        page.WaitForAssertion(() => Assert.Contains("Team Slack", page.Find("[data-testid=webhook-row-name]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal("hooks.example.com/••••••", page.Find("[data-testid=webhook-row-url]").TextContent.Trim());
        Assert.DoesNotContain("s3cr3t", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("/services/", page.Markup, StringComparison.Ordinal);
        Assert.Contains("job failed", page.Find("[data-testid=delivery-event]").TextContent, StringComparison.Ordinal);
        Assert.Equal("failed", page.Find("[data-testid=delivery-status]").TextContent.Trim());
        Assert.Contains("HTTP 500 Internal Server Error", page.Find("[data-testid=delivery-answer]").TextContent, StringComparison.Ordinal);
        Assert.Contains("jobs/job-1", page.Markup, StringComparison.Ordinal);
        Assert.Equal("–", page.Find("[data-testid=delivery-next]").TextContent.Trim());
    }

    [Fact]
    public async Task RetryingDelivery_ShowsWhenTheNextTryIsDue()
    {
        var webhook = await AddWebhookAsync("Team Slack");
        await Storage.Notifications.AddDeliveryAsync(new DeliveryRecord
        {
            Id = "d1",
            WebhookId = webhook.Id,
            Event = NotificationService.JobCompleted,
            Status = "retrying",
            Attempts = 2,
            Error = "Could not reach hooks.example.com: ConnectionError",
            CreatedAt = Now.AddSeconds(-20),
            NextAttemptAt = Now.AddMinutes(5),
        }, None);

        var page = Render<NotificationsPage>();

        page.WaitForAssertion(() => Assert.Equal("retrying", page.Find("[data-testid=delivery-status]").TextContent.Trim()), Patience);
        Assert.Matches(@"^in 4m \d\ds$", page.Find("[data-testid=delivery-next]").TextContent.Trim());
        Assert.Contains("Could not reach hooks.example.com", page.Find("[data-testid=delivery-answer]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_ThroughTheDialog_StoresItEncrypted_AndTheFormIsNotShownTheUrlAgain()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<NotificationsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=webhooks-empty]"), Patience);

        page.Find("[data-testid=new-webhook]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=webhook-save]"), Patience);
        dialogs.Find("input[data-testid=webhook-name]").Change("Discord");
        dialogs.Find("input[data-testid=webhook-url]").Change(SecretUrl);
        await dialogs.InvokeAsync(() => dialogs.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync("discord"));
        await dialogs.InvokeAsync(() => dialogs.FindComponents<MudCheckBox<bool>>()[0].Instance.ValueChanged.InvokeAsync(false));
        dialogs.Find("[data-testid=webhook-save]").Click();

        page.WaitForAssertion(() => Assert.Contains("Discord", page.Find("[data-testid=webhook-row-name]").TextContent, StringComparison.Ordinal), Patience);
        var stored = Assert.Single(await Notifications.ListAsync(None));
        Assert.Equal("discord", stored.Format);
        Assert.DoesNotContain(NotificationService.JobCompleted, stored.Events);
        Assert.Equal(3, stored.Events.Count);
        Assert.DoesNotContain("s3cr3t", stored.EncryptedUrl, StringComparison.Ordinal);
        Assert.Equal(SecretUrl, Notifications.RevealUrl(stored));
        Assert.Contains("Webhook Discord added.", Snackbars);
        Assert.DoesNotContain("s3cr3t", page.Markup + dialogs.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_WithABadUrl_ShowsTheCoreMessage()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<NotificationsPage>();
        page.WaitForElement("[data-testid=new-webhook]", Patience).Click();

        dialogs.WaitForElement("input[data-testid=webhook-url]", Patience).Change("ftp://example.com/x");
        dialogs.Find("[data-testid=webhook-save]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("url must be an absolute http(s) URL.", dialogs.Find("[data-testid=webhook-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(await Notifications.ListAsync(None));
    }

    [Fact]
    public async Task Edit_WithTheUrlLeftEmpty_KeepsTheSavedUrl()
    {
        var webhook = await AddWebhookAsync("Team Slack", SecretUrl);
        var dialogs = Render<MudDialogProvider>();
        var page = Render<NotificationsPage>();
        page.WaitForElement("[data-testid=webhook-edit]", Patience).Click();

        dialogs.WaitForAssertion(() => Assert.Equal("Team Slack", dialogs.Find("input[data-testid=webhook-name]").GetAttribute("value")), Patience);
        Assert.True(string.IsNullOrEmpty(dialogs.Find("input[data-testid=webhook-url]").GetAttribute("value")));
        dialogs.Find("input[data-testid=webhook-name]").Change("Ops Slack");
        dialogs.Find("[data-testid=webhook-save]").Click();

        page.WaitForAssertion(() => Assert.Contains("Ops Slack", page.Find("[data-testid=webhook-row-name]").TextContent, StringComparison.Ordinal), Patience);
        var stored = await Notifications.GetAsync(webhook.Id, None);
        Assert.Equal(SecretUrl, Notifications.RevealUrl(stored!));
        Assert.Contains("Webhook Ops Slack saved.", Snackbars);
    }

    [Fact]
    public async Task Toggle_DisablesTheWebhook()
    {
        var webhook = await AddWebhookAsync("Team Slack");
        var page = Render<NotificationsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=webhook-toggle]"), Patience);

        await page.InvokeAsync(() => page.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(false));

        page.WaitForAssertion(() => Assert.Contains("Webhook Team Slack disabled.", Snackbars), Patience);
        var stored = await Notifications.GetAsync(webhook.Id, None);
        Assert.False(stored!.Enabled);
        Assert.Equal(webhook.EncryptedUrl, stored.EncryptedUrl);
    }

    [Fact]
    public async Task SendTest_PostsInTheWebhooksFormat_AndLogsTheDelivery()
    {
        await AddWebhookAsync("Team Slack", SecretUrl);
        var page = Render<NotificationsPage>();
        page.WaitForElement("[data-testid=webhook-test]", Patience).Click();

        page.WaitForAssertion(() => Assert.Contains("Test sent to Team Slack: HTTP 200.", Snackbars), Patience);
        var (url, body) = Assert.Single(Received);
        Assert.Equal(SecretUrl, url.AbsoluteUri);
        Assert.Contains("\"text\":", body, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal("delivered", page.Find("[data-testid=delivery-status]").TextContent.Trim()), Patience);
        Assert.Contains("test", page.Find("[data-testid=delivery-event]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendTest_ThatTheReceiverRefuses_SaysWhy()
    {
        await AddWebhookAsync("Team Slack");
        ReceiverAnswer = HttpStatusCode.Forbidden;
        var page = Render<NotificationsPage>();
        page.WaitForElement("[data-testid=webhook-test]", Patience).Click();

        page.WaitForAssertion(() => Assert.Contains("Test to Team Slack failed: HTTP 403 Forbidden", Snackbars), Patience);
        page.WaitForAssertion(() => Assert.Contains("HTTP 403", page.Find("[data-testid=delivery-answer]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task Delete_AsksFirst_ThenRemovesIt()
    {
        var webhook = await AddWebhookAsync("Team Slack");
        var dialogs = Render<MudDialogProvider>();
        var page = Render<NotificationsPage>();

        page.WaitForElement("[data-testid=webhook-delete]", Patience).Click();
        dialogs.WaitForAssertion(() => Assert.Contains("hooks.example.com/••••••", dialogs.Find("[data-testid=confirm-items]").TextContent, StringComparison.Ordinal), Patience);
        dialogs.Find("[data-testid=confirm-ok]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=webhooks-empty]"), Patience);
        Assert.Null(await Notifications.GetAsync(webhook.Id, None));
        Assert.Contains("Webhook Team Slack deleted.", Snackbars);
    }

    [Fact]
    public async Task ActionThatFails_SaysWhy_InASnackbar()
    {
        await AddWebhookAsync("Team Slack");
        var page = Render<NotificationsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=webhook-toggle]"), Patience);

        Storage.Fail = true;
        await page.InvokeAsync(() => page.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(false));

        page.WaitForAssertion(() => Assert.Contains("The action failed: store is down", Snackbars), Patience);
        page.WaitForAssertion(() => page.Find("[data-testid=notifications-error]"), Patience);
    }
}
