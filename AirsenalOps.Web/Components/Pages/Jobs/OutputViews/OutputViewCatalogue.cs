using System.Text.Json.Nodes;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Airsenal.Parsers;
using Microsoft.AspNetCore.Components;

namespace AirsenalOps.Web.Components.Pages.Jobs.OutputViews;

/// <summary>
/// Output type → view, from the command registry's output kinds and the components that implement
/// <see cref="IOutputView{TOutput}"/> for their records; no list of names to keep in step.
/// </summary>
public static class OutputViewCatalogue
{
    private static readonly Dictionary<Type, Type> ViewByRecord = typeof(OutputViewCatalogue).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IComponent).IsAssignableFrom(t))
        .SelectMany(t => t.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IOutputView<>))
            .Select(i => (Record: i.GetGenericArguments()[0], View: t)))
        .ToDictionary(p => p.Record, p => p.View);

    private static readonly Dictionary<string, OutputKind> KindByType = AirsenalCommands.All
        .SelectMany(c => c.Outputs)
        .DistinctBy(k => k.Type, StringComparer.Ordinal)
        .ToDictionary(k => k.Type, StringComparer.Ordinal);

    /// <summary>The view component of an output kind; null when the kind has none (its document is shown raw).</summary>
    public static Type? ViewOf(OutputKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return kind.Record is { } record ? ViewByRecord.GetValueOrDefault(record) : null;
    }

    /// <summary>
    /// The view for a parsed output, chosen by the "type" its parser wrote; null when none fits (an unknown type, a kind
    /// without a view, or a document that does not read as its record: written by another version, say).
    /// </summary>
    public static RenderFragment? ViewFor(JsonObject? output)
    {
        if (ParsedOutput.TypeOf(output) is not { } type || !KindByType.TryGetValue(type, out var kind)
            || kind.Record is not { } record || ViewOf(kind) is not { } view)
        {
            return null;
        }

        if (ParsedOutput.Read(output, record) is not { } parsed)
        {
            return null;
        }

        return builder =>
        {
            builder.OpenComponent(0, view);
            builder.AddComponentParameter(1, nameof(IOutputView<object>.Output), parsed);
            builder.CloseComponent();
        };
    }
}
