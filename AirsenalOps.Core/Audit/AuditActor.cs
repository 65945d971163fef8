namespace AirsenalOps.Core.Audit;

/// <summary>
/// Who is acting and from where. The web layer sets it around each API request and each Blazor circuit
/// activity (<see cref="Use"/>); Core services read it when they record an action, so neither face can
/// act without being recorded and neither has to pass the actor down through every call.
/// </summary>
public sealed record AuditActor(string Name, string Client)
{
    /// <summary>Actions with nobody behind them: the scheduler, start-up work.</summary>
    public static AuditActor System { get; } = new("system", "local");

    /// <summary>A request or circuit without a signed-in user (a login attempt).</summary>
    public const string Anonymous = "anonymous";

    // AsyncLocal: flows into every await of the request or circuit event, never into another one.
    private static readonly AsyncLocal<AuditActor?> Ambient = new();

    /// <summary>The actor of the current request or circuit event; <see cref="System"/> outside both.</summary>
    public static AuditActor Current => Ambient.Value ?? System;

    /// <summary>Makes <paramref name="actor"/> current until the returned scope is disposed.</summary>
    public static IDisposable Use(AuditActor actor)
    {
        var previous = Ambient.Value;
        Ambient.Value = actor;
        return new Scope(previous);
    }

    private sealed class Scope(AuditActor? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
