using MongoDB.Bson;

namespace AirsenalOps.Core.Storage.Mongo;

/// <summary>The peer wrote dates as ISO-8601 strings; other tools may write BSON dates. Read both, write strings.</summary>
internal static class BsonDates
{
    public static BsonValue Write(DateTimeOffset? value) =>
        value is { } v ? new BsonString(StorageJson.FormatDate(v)) : BsonNull.Value;

    public static DateTimeOffset? Read(BsonDocument document, string name) =>
        document.TryGetValue(name, out var value) ? Read(value) : null;

    public static DateTimeOffset? Read(BsonValue value) => value.BsonType switch
    {
        BsonType.String when value.AsString.Length > 0 => StorageJson.ParseDate(value.AsString),
        BsonType.DateTime => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
        _ => null,
    };
}
