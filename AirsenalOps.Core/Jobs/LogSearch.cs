using AirsenalOps.Core.Storage;

namespace AirsenalOps.Core.Jobs;

/// <summary>A search of stored log lines as a client asks for it (the API's query string, the job page's box).</summary>
public sealed record LogSearchRequest(string? Query, string? JobId = null, string? Command = null, int Page = 1, int PageSize = LogSearch.DefaultPageSize, int Context = 0);

/// <summary>A matching line with its job, its command and up to <see cref="LogSearchRequest.Context"/> lines either side.</summary>
public sealed record LogSearchHit(string JobId, string Command, LogLine Line, IReadOnlyList<LogLine> Before, IReadOnlyList<LogLine> After);

/// <summary>One page of hits. <see cref="Terms"/> are the words searched for (what a page highlights).</summary>
public sealed record LogSearchPage(IReadOnlyList<string> Terms, int Page, int PageSize, bool HasMore, bool Partial, IReadOnlyList<LogSearchHit> Hits);

/// <summary>A search that cannot run as asked; the message says why, for a person.</summary>
public sealed class LogSearchException(string message) : Exception(message);

/// <summary>
/// Log search over the store's index (<see cref="IJobLogStore.SearchAsync"/>): checks the request, narrows it to
/// a job or to a command's jobs, and adds each hit's command and the lines around it. Lines are stored masked,
/// so what a search finds and shows is masked as every other read of the log is.
/// </summary>
public sealed class LogSearch(IStorage storage)
{
    public const int MaxQueryLength = 200;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;
    public const int MaxPage = 1000;
    public const int MaxContext = 10;

    /// <summary>Most jobs of one command searched together (retention keeps far fewer; newest first when there are more).</summary>
    public const int MaxJobsPerCommand = 10_000;

    /// <summary>The page asked for; null when <see cref="LogSearchRequest.JobId"/> names no job.</summary>
    public async Task<LogSearchPage?> SearchAsync(LogSearchRequest request, CancellationToken cancellationToken)
    {
        var terms = Check(request);
        IReadOnlyCollection<string>? jobIds = null;
        var commands = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(request.JobId))
        {
            if (await storage.Jobs.GetAsync(request.JobId, cancellationToken) is not { } job)
            {
                return null;
            }

            jobIds = string.IsNullOrEmpty(request.Command) || string.Equals(job.Command, request.Command, StringComparison.Ordinal) ? [job.Id] : [];
            commands[job.Id] = job.Command;
        }
        else if (!string.IsNullOrEmpty(request.Command))
        {
            var jobs = await storage.Jobs.ListAsync(new JobFilter(Command: request.Command, Limit: MaxJobsPerCommand), cancellationToken);
            jobIds = [.. jobs.Select(j => j.Id)];
            foreach (var job in jobs)
            {
                commands[job.Id] = job.Command;
            }
        }

        var skip = (request.Page - 1) * request.PageSize;
        var found = await storage.Logs.SearchAsync(new LogSearchQuery(terms, jobIds, skip, request.PageSize), cancellationToken);
        var hits = new List<LogSearchHit>(found.Matches.Count);
        foreach (var match in found.Matches)
        {
            if (!commands.TryGetValue(match.JobId, out var command))
            {
                command = (await storage.Jobs.GetAsync(match.JobId, cancellationToken))?.Command ?? "";
                commands[match.JobId] = command;
            }

            IReadOnlyList<LogLine> before = [], after = [];
            if (request.Context > 0)
            {
                var seq = match.Line.Seq;
                var around = await storage.Logs.ReadAsync(match.JobId, Math.Max(0, seq - request.Context - 1), (2 * request.Context) + 1, cancellationToken);
                before = [.. around.Where(l => l.Seq < seq)];
                after = [.. around.Where(l => l.Seq > seq && l.Seq <= seq + request.Context)];
            }

            hits.Add(new LogSearchHit(match.JobId, command, match.Line, before, after));
        }

        return new LogSearchPage(terms, request.Page, request.PageSize, found.HasMore, found.Partial, hits);
    }

    /// <summary>The words to search for, or why the request cannot run.</summary>
    public static IReadOnlyList<string> Check(LogSearchRequest request)
    {
        var query = request.Query?.Trim() ?? "";
        if (query.Length == 0)
        {
            throw new LogSearchException("Type something to search for (q is empty).");
        }

        if (query.Length > MaxQueryLength)
        {
            throw new LogSearchException($"The search is {query.Length} characters long; at most {MaxQueryLength} are allowed.");
        }

        var terms = LogSearchTerms.Split(query);
        if (terms.Count == 0)
        {
            throw new LogSearchException("The search needs at least one word of letters or digits (punctuation alone is not searched).");
        }

        if (terms.Count > LogSearchTerms.MaxTerms)
        {
            throw new LogSearchException($"The search has {terms.Count} words; at most {LogSearchTerms.MaxTerms} are allowed.");
        }

        if (request.Page is < 1 or > MaxPage)
        {
            throw new LogSearchException($"page must be between 1 and {MaxPage}.");
        }

        if (request.PageSize is < 1 or > MaxPageSize)
        {
            throw new LogSearchException($"size must be between 1 and {MaxPageSize}.");
        }

        if (request.Context is < 0 or > MaxContext)
        {
            throw new LogSearchException($"context must be between 0 and {MaxContext} lines.");
        }

        return terms;
    }
}
