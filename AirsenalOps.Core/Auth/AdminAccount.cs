using System.Security.Cryptography;
using System.Text;
using AirsenalOps.Core.Audit;
using AirsenalOps.Core.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Auth;

public enum AdminSource
{
    /// <summary>APP_ADMIN_EMAIL and APP_ADMIN_PASSWORD_HASH from the environment.</summary>
    Environment,

    /// <summary>The same-named secrets in the store (the peer keeps them there; first-run setup writes them).</summary>
    Store,
}

/// <summary>The one admin. <see cref="Stamp"/> changes whenever the address or the password does.</summary>
public sealed record AdminIdentity(string Email, string PasswordHash, AdminSource Source)
{
    /// <summary>A digest of address and hash: sessions carry it, so a password change ends all of them.</summary>
    public string Stamp => Convert.ToHexString(
        SHA256.HashData(Encoding.UTF8.GetBytes(Email.ToUpperInvariant() + "\n" + PasswordHash)))[..24];

    public bool Is(string? email) => email is not null && string.Equals(email.Trim(), Email, StringComparison.OrdinalIgnoreCase);
}

public enum LoginOutcome
{
    Success,
    InvalidCredentials,
    NotConfigured,
}

public enum PasswordChangeOutcome
{
    Changed,
    WrongPassword,
    Rejected,
    ManagedByEnvironment,
    NotConfigured,
}

/// <summary>
/// Who the admin is: the environment first, else the secrets store, else nobody yet (first-run setup).
/// Looked up on every authorization, so it is cached briefly and dropped when an admin secret changes.
/// </summary>
public sealed partial class AdminAccount : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly AdminOptions _options;
    private readonly SecretsService _secrets;
    private readonly PasswordHasher _hasher;
    private readonly TimeProvider _time;
    private readonly AuditLog _audit;
    private readonly ILogger<AdminAccount> _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private (AdminIdentity? Admin, DateTimeOffset Until)? _cache;

    public AdminAccount(IOptions<AdminOptions> options, SecretsService secrets, PasswordHasher hasher, TimeProvider time, AuditLog audit, ILogger<AdminAccount> logger)
    {
        _options = options.Value;
        _secrets = secrets;
        _hasher = hasher;
        _time = time;
        _audit = audit;
        _logger = logger;
        _secrets.Changed += OnSecretChanged;
    }

    /// <summary>Raised when the admin's address or password changed (sessions listen).</summary>
    public event Action? Changed;

    public static bool LooksLikeEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return value.Length <= 254 && at > 0 && at < value.Length - 1 && at == value.LastIndexOf('@')
            && !value.Any(char.IsWhiteSpace);
    }

    public async Task<AdminIdentity?> GetAsync(CancellationToken cancellationToken)
    {
        if (_cache is { } cached && cached.Until > _time.GetUtcNow())
        {
            return cached.Admin;
        }

        var admin = await LoadAsync(cancellationToken);
        _cache = (admin, _time.GetUtcNow() + CacheFor);
        return admin;
    }

    public async Task<bool> ExistsAsync(CancellationToken cancellationToken) => await GetAsync(cancellationToken) is not null;

    /// <summary>
    /// Checks an address and password; the admin comes back on success. Every call is a sign-in attempt
    /// (the API's and the login page's) and is audited.
    /// </summary>
    public async Task<(LoginOutcome Outcome, AdminIdentity? Admin)> VerifyAsync(string? email, string? password, CancellationToken cancellationToken)
    {
        var admin = await GetAsync(cancellationToken);
        // Only a plausible address is kept: a password typed into the address field must not be stored.
        var attempted = email?.Trim() is { } trimmed && LooksLikeEmail(trimmed) ? trimmed : string.Empty;
        if (admin is null)
        {
            await _audit.RecordAsync(AuditAction.LoginFailed, attempted, new Dictionary<string, string> { ["reason"] = "not_configured" }, AuditActor.Anonymous);
            return (LoginOutcome.NotConfigured, null);
        }

        // The hash is checked even for a wrong address, so timing does not reveal the address.
        var passwordOk = PasswordHasher.Verify(password ?? string.Empty, admin.PasswordHash);
        if (passwordOk && admin.Is(email))
        {
            await _audit.RecordAsync(AuditAction.LoginSucceeded, admin.Email, actor: admin.Email);
            return (LoginOutcome.Success, admin);
        }

        await _audit.RecordAsync(AuditAction.LoginFailed, attempted, new Dictionary<string, string> { ["reason"] = "invalid_credentials" }, AuditActor.Anonymous);
        return (LoginOutcome.InvalidCredentials, null);
    }

    /// <summary>Creates the admin in the store; false when one already exists (setup is only for a fresh console).</summary>
    public async Task<bool> CreateFirstAsync(string email, string password, CancellationToken cancellationToken)
    {
        ValidateNew(email, password);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (await LoadAsync(cancellationToken) is not null)
            {
                return false;
            }

            // Hash first: a half-written admin (address without hash) would leave nobody able to sign in.
            await _secrets.SetAsync(SecretKeys.AdminPasswordHash, _hasher.Hash(password), cancellationToken);
            await _secrets.SetAsync(SecretKeys.AdminEmail, email.Trim(), cancellationToken);
            LogAdminCreated(_logger, email.Trim());
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<(PasswordChangeOutcome Outcome, string? Problem)> ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        var admin = await LoadAsync(cancellationToken);
        if (admin is null)
        {
            return (PasswordChangeOutcome.NotConfigured, "No admin is configured.");
        }

        if (admin.Source == AdminSource.Environment)
        {
            return (PasswordChangeOutcome.ManagedByEnvironment,
                "The admin comes from APP_ADMIN_EMAIL and APP_ADMIN_PASSWORD_HASH: change APP_ADMIN_PASSWORD_HASH and restart.");
        }

        if (!PasswordHasher.Verify(currentPassword, admin.PasswordHash))
        {
            return (PasswordChangeOutcome.WrongPassword, "The current password is not right.");
        }

        if (PasswordHasher.Problem(newPassword) is { } problem)
        {
            return (PasswordChangeOutcome.Rejected, problem);
        }

        await _secrets.SetAsync(SecretKeys.AdminPasswordHash, _hasher.Hash(newPassword), cancellationToken);
        LogPasswordChanged(_logger);
        return (PasswordChangeOutcome.Changed, null);
    }

    public void Dispose()
    {
        _secrets.Changed -= OnSecretChanged;
        _writeLock.Dispose();
    }

    private static void ValidateNew(string email, string password)
    {
        if (!LooksLikeEmail(email?.Trim() ?? string.Empty))
        {
            throw new SecretValidationException("Enter an e-mail address.");
        }

        if (PasswordHasher.Problem(password) is { } problem)
        {
            throw new SecretValidationException(problem);
        }
    }

    private async Task<AdminIdentity?> LoadAsync(CancellationToken cancellationToken)
    {
        if (_options.IsSet)
        {
            return new AdminIdentity(_options.Email!.Trim(), _options.PasswordHash!.Trim(), AdminSource.Environment);
        }

        var email = await _secrets.GetAsync(SecretKeys.AdminEmail, cancellationToken);
        var hash = await _secrets.GetAsync(SecretKeys.AdminPasswordHash, cancellationToken);
        return email is null || hash is null ? null : new AdminIdentity(email.Trim(), hash.Trim(), AdminSource.Store);
    }

    private void OnSecretChanged(string key)
    {
        if (SecretKeys.IsAdmin(key))
        {
            _cache = null;
            Changed?.Invoke();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "First-run setup created the admin {Email}")]
    private static partial void LogAdminCreated(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The admin password was changed; every signed-in session ends")]
    private static partial void LogPasswordChanged(ILogger logger);
}
