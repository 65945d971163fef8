using System.Text;

namespace AirsenalOps.Core.Storage;

/// <summary>
/// What a log store searches for: lines holding every one of <see cref="Terms"/> as a whole word (case-insensitive,
/// from <see cref="LogSearchTerms.Split"/>), of the jobs in <see cref="JobIds"/> (all jobs when null).
/// One job: in line order. Several or all: newest lines first.
/// </summary>
public sealed record LogSearchQuery(IReadOnlyList<string> Terms, IReadOnlyCollection<string>? JobIds, int Skip, int Limit)
{
    /// <summary>Reading order (line 1 first) when the search is within one job.</summary>
    public bool InLineOrder => JobIds is { Count: 1 };
}

/// <summary>One matching line and its job.</summary>
public sealed record LogMatch(string JobId, LogLine Line);

/// <summary>
/// A page of matches. <see cref="HasMore"/>: a next page has at least one. <see cref="Partial"/>: lines stored
/// before the search index existed are still being indexed (at start, in the background) and are not all searched yet.
/// </summary>
public sealed record LogSearchResult(IReadOnlyList<LogMatch> Matches, bool HasMore, bool Partial);

/// <summary>
/// The one definition of a word for log search, shared by both stores (the embedded store's FTS5 tokenizer,
/// `unicode61`, splits the same way: letters and digits make words, anything else separates them), so a line
/// matches on either store for the same query.
/// </summary>
public static class LogSearchTerms
{
    /// <summary>Most words a query may hold: each is one more index lookup.</summary>
    public const int MaxTerms = 8;

    /// <summary>Most distinct words a MongoDB line document keeps for search (a line longer in words is searched by its first ones).</summary>
    public const int MaxWordsPerLine = 512;

    /// <summary>The distinct lower-case words of <paramref name="text"/>, in order of first appearance.</summary>
    public static List<string> Split(string text, int max = int.MaxValue)
    {
        var words = new List<string>();
        HashSet<string>? seen = null;
        var word = new StringBuilder();
        for (var i = 0; i <= text.Length && words.Count < max; i++)
        {
            if (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                word.Append(char.ToLowerInvariant(text[i]));
                continue;
            }

            if (word.Length > 0)
            {
                var found = word.ToString();
                word.Clear();
                seen ??= new HashSet<string>(StringComparer.Ordinal);
                if (seen.Add(found))
                {
                    words.Add(found);
                }
            }
        }

        return words;
    }

    /// <summary>True when <paramref name="text"/> holds every one of <paramref name="terms"/> as a word.</summary>
    public static bool Matches(string text, IReadOnlyList<string> terms)
    {
        if (terms.Count == 0)
        {
            return false;
        }

        // Cheap first: a line without each term as a substring cannot hold it as a word.
        foreach (var term in terms)
        {
            if (text.IndexOf(term, StringComparison.OrdinalIgnoreCase) < 0)
            {
                return false;
            }
        }

        var words = Split(text);
        foreach (var term in terms)
        {
            if (!words.Contains(term, StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
