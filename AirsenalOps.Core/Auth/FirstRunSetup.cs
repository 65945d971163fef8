using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AirsenalOps.Core.Auth;

/// <summary>
/// The one-time code that first-run setup asks for. It is printed to the console's log at start while no
/// admin exists, so only someone who can read the server's log can claim a fresh console.
/// </summary>
public sealed partial class FirstRunSetup(ILogger<FirstRunSetup> logger)
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private readonly Lock _lock = new();
    private string? _code;

    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _code is not null;
            }
        }
    }

    /// <summary>Creates the code (once), prints it to the log, and returns it.</summary>
    public string Open()
    {
        lock (_lock)
        {
            if (_code is null)
            {
                var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 8);
                _code = new string(chars, 0, 4) + "-" + new string(chars, 4, 4);
                LogSetupCode(logger, _code);
            }

            return _code;
        }
    }

    /// <summary>True when <paramref name="code"/> is the current code (case and dashes ignored).</summary>
    public bool Matches(string? code)
    {
        lock (_lock)
        {
            if (_code is null || code is null)
            {
                return false;
            }

            return CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(Normalize(_code)), Encoding.ASCII.GetBytes(Normalize(code)));
        }
    }

    /// <summary>Setup is done: the code is spent.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _code = null;
        }
    }

    private static string Normalize(string code) =>
        new(code.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "No admin is configured. Open /setup in the console and enter the one-time setup code {SetupCode} to create one " +
        "(or set APP_ADMIN_EMAIL and APP_ADMIN_PASSWORD_HASH).")]
    private static partial void LogSetupCode(ILogger logger, string setupCode);
}

/// <summary>Prints the setup code at start when the console has no admin yet.</summary>
internal sealed class FirstRunSetupAnnouncer(AdminAccount admin, FirstRunSetup setup) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await admin.ExistsAsync(cancellationToken))
            {
                setup.Open();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The store does not answer yet (MongoDB down): the setup page prints the code when it is opened.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
