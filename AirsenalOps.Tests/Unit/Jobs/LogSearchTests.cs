using AirsenalOps.Core.Jobs;
using AirsenalOps.Core.Storage;

namespace AirsenalOps.Tests.Unit.Jobs;

public sealed class LogSearchTests
{
    [Theory]
    [InlineData(null, "empty")]
    [InlineData("   ", "empty")]
    [InlineData("...  --- !!", "letters or digits")]
    [InlineData("a b c d e f g h i", "at most 8")]
    public void Check_RefusesQueriesWithoutWordsOrWithTooMany(string? q, string why) =>
        Assert.Contains(why, Assert.Throws<LogSearchException>(() => LogSearch.Check(new LogSearchRequest(q))).Message, StringComparison.Ordinal);

    [Fact]
    public void Check_RefusesATooLongQuery() =>
        Assert.Contains("at most 200", Assert.Throws<LogSearchException>(() => LogSearch.Check(new LogSearchRequest(new string('a', 201)))).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(0, 50, 0)]
    [InlineData(1001, 50, 0)]
    [InlineData(1, 0, 0)]
    [InlineData(1, 101, 0)]
    [InlineData(1, 50, -1)]
    [InlineData(1, 50, 11)]
    public void Check_RefusesBadPaging(int page, int size, int context) =>
        Assert.Throws<LogSearchException>(() => LogSearch.Check(new LogSearchRequest("salah", Page: page, PageSize: size, Context: context)));

    [Fact]
    public void Terms_AreTheDistinctLowerCaseWords()
    {
        Assert.Equal(["error", "salah", "injured", "gw21"], LogSearch.Check(new LogSearchRequest("  ERROR: salah_injured, GW21 error ")));
        Assert.Equal(["error", "salah", "injured", "gw21"], LogSearchTerms.Split("ERROR: salah_injured, GW21 error"));
    }

    [Theory]
    [InlineData("Traceback (most recent call last):", true)]
    [InlineData("tracebacks everywhere", false)]
    [InlineData("a traceback", false)]
    public void Matches_WholeWordsOnly(string line, bool expected) =>
        Assert.Equal(expected, LogSearchTerms.Matches(line, ["traceback", "most"]));
}
