using System.Text;
using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;
using AirsenalOps.Web.Metrics;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace AirsenalOps.Web.Components.Pages.Jobs;

/// <summary>
/// One job, live: the page follows <see cref="JobService.WatchAsync"/> (stored lines, then live lines
/// and changes) on a background loop and hands each event to the renderer with InvokeAsync.
/// Rendering is throttled so a chatty job cannot flood the circuit.
/// </summary>
public sealed partial class JobPage : IDisposable
{
    private static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(150);

    private readonly LogBuffer _buffer = new();
    private CancellationTokenSource? _watch;
    private JobRecord? _job;
    private LogView? _log;
    private string? _progressLine;
    private string? _loadError;
    private bool _notFound;
    private bool _follow = true;
    private bool _renderQueued;
    private DateTimeOffset _lastRender;

    [Parameter]
    public string Id { get; set; } = string.Empty;

    [Inject]
    private JobService Jobs { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        StopWatching();
        _buffer.Clear();
        _progressLine = null;
        _notFound = false;
        _loadError = null;
        try
        {
            _job = await Jobs.GetAsync(Id, CancellationToken.None);
            _notFound = _job is null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _loadError = ex.Message;
            return;
        }

        // The prerender only shows the job; the live feed starts once the circuit is up.
        if (_job is not null && RendererInfo.IsInteractive)
        {
            _watch = new CancellationTokenSource();
            _ = WatchAsync(_job.Id, _watch.Token);
        }
    }

    private async Task WatchAsync(string id, CancellationToken cancellationToken)
    {
        // Optional so component tests need not register it.
        using var tracked = Services.GetService<LiveSubscribers>()?.Track(LiveSubscribers.Circuit);
        try
        {
            await foreach (var e in Jobs.WatchAsync(id, _buffer.LastSeq, cancellationToken))
            {
                await InvokeAsync(() => Apply(e));
            }
        }
        catch (OperationCanceledException)
        {
            // Left the page.
        }
        catch (ObjectDisposedException)
        {
            // The circuit closed while an event was on its way.
        }
        catch (Exception ex)
        {
            await InvokeAsync(() =>
            {
                Snackbar.Add("The live log stopped: " + ex.Message + ". Reload the page to resume.", Severity.Error);
                StateHasChanged();
            });
        }
    }

    private void Apply(JobEvent e)
    {
        switch (e)
        {
            case JobLinesEvent lines:
                _buffer.Append(lines.Lines);
                // A stored line replaces the redrawn progress state it ends.
                _progressLine = null;
                _log?.LinesAdded();
                break;
            case JobProgressLineEvent progress:
                _progressLine = progress.Text;
                _log?.LinesAdded();
                break;
            case JobChangedEvent changed:
                _job = changed.Job;
                if (changed.Job.IsFinished)
                {
                    _progressLine = null;
                }

                break;
        }

        RenderSoon();
    }

    /// <summary>At most one render per <see cref="RenderInterval"/>, and always one after the last event.</summary>
    private void RenderSoon()
    {
        if (_renderQueued)
        {
            return;
        }

        var wait = _lastRender + RenderInterval - Clock.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            _lastRender = Clock.GetUtcNow();
            StateHasChanged();
            return;
        }

        _renderQueued = true;
        _ = RenderLaterAsync(wait);
    }

    private async Task RenderLaterAsync(TimeSpan wait)
    {
        try
        {
            await Task.Delay(wait, Clock, _watch?.Token ?? CancellationToken.None);
            await InvokeAsync(() =>
            {
                _renderQueued = false;
                _lastRender = Clock.GetUtcNow();
                StateHasChanged();
            });
        }
        catch (OperationCanceledException)
        {
            // Left the page.
        }
        catch (ObjectDisposedException)
        {
            // As above.
        }
    }

    private void OnJobChanged(JobRecord job)
    {
        // An action's result can be newer than the feed's last event; the feed will agree shortly.
        _job = job;
        StateHasChanged();
    }

    private void OnLogsCleared()
    {
        _buffer.Clear();
        _progressLine = null;
        StateHasChanged();
    }

    private async Task DownloadAsync()
    {
        if (_job is null)
        {
            return;
        }

        try
        {
            // Built from storage, not the page's buffer: the download always has every line.
            var text = new StringBuilder();
            await foreach (var line in Jobs.ReadAllLogsAsync(_job.Id, CancellationToken.None))
            {
                text.Append(Ansi.Strip(line.Text)).Append('\n');
            }

            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
            using var reference = new DotNetStreamReference(stream);
            await JS.InvokeVoidAsync("airsenalOps.downloadStream", $"{_job.Command}-{_job.Id}.log", reference);
            Snackbar.Add("Log downloaded.", Severity.Success);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Snackbar.Add("Could not download the log: " + ex.Message, Severity.Error);
        }
    }

    private void StopWatching()
    {
        if (_watch is not null)
        {
            _watch.Cancel();
            _watch.Dispose();
            _watch = null;
        }
    }

    public void Dispose() => StopWatching();
}
