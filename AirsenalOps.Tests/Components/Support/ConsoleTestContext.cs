using Microsoft.AspNetCore.Components;

namespace AirsenalOps.Tests.Components.Support;

/// <summary>
/// The shared MudBlazor base, rendering as on the circuit: pages start their live feeds only when
/// interactive (the prerender just shows the state).
/// </summary>
public abstract class ConsoleTestContext : MudTestContext
{
    /// <summary>Long enough for a loaded CI machine; a real failure still fails.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <param name="signedIn">Renders as the signed-in admin (the layout shows him).</param>
    /// <param name="anonymous">Renders with authorization but nobody signed in, as a visitor without a cookie.</param>
    protected ConsoleTestContext(bool signedIn = false, bool anonymous = false)
    {
        // Services can only be added before the renderer exists, and setting its info creates it.
        if (signedIn)
        {
            AddAuthorization().SetAuthorized("admin");
        }
        else if (anonymous)
        {
            AddAuthorization();
        }

        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }
}
