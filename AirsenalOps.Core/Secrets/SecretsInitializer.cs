using AirsenalOps.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AirsenalOps.Core.Secrets;

/// <summary>
/// Loads the Fernet key at start: ENCRYPTION_KEY, else DATA_DIR/encryption.key, else a new key written there.
/// Refuses to start when stored secrets cannot be decrypted with the key, rather than losing them.
/// Runs after the storage initializer (hosted services start in registration order). A MongoDB that does not
/// answer at start must not stop the console: the check then runs in the background once it answers, and a
/// key that cannot decrypt the stored secrets stops the console at that point.
/// </summary>
internal sealed partial class SecretsInitializer(
    IStorage storage,
    SecretCipher cipher,
    IOptions<SecretsOptions> options,
    IOptions<StorageOptions> storageOptions,
    TimeProvider time,
    ILogger<SecretsInitializer> logger,
    IHostApplicationLifetime? lifetime = null) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (storage.Kind != "mongodb")
        {
            await LoadAndCheckAsync(cancellationToken);
            return;
        }

        try
        {
            await LoadAndCheckAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not ConfigurationException && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            // Use a key we already have (nothing is lost by that); generating one must wait for the store.
            var keyFile = Path.Combine(storageOptions.Value.DataDirFullPath, SecretsOptions.KeyFileName);
            if (LoadKey(keyFile).Key is { } key)
            {
                cipher.Use(key);
            }

            LogStoreUnavailable(logger, ex.GetType().Name);
            _ = CheckLaterAsync(_stopping.Token);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may dispose its services before it stops them (WebApplicationFactory does).
        if (!_disposed)
        {
            _stopping.Cancel();
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task CheckLaterAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, cancellationToken);
                await LoadAndCheckAsync(cancellationToken);
                return;
            }
            catch (ConfigurationException ex)
            {
                LogRefused(logger, ex.Message);
                lifetime?.StopApplication();
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, delay.Ticks * 2));
            }
        }
    }

    private async Task LoadAndCheckAsync(CancellationToken cancellationToken)
    {
        var stored = await storage.Secrets.ListAsync(cancellationToken);
        var encrypted = stored.Where(s => Fernet.LooksLikeToken(s.Value)).ToList();
        var keyFile = Path.Combine(storageOptions.Value.DataDirFullPath, SecretsOptions.KeyFileName);

        var (key, source) = LoadKey(keyFile);
        if (key is null)
        {
            if (encrypted.Count > 0)
            {
                throw new ConfigurationException(
                    $"ENCRYPTION_KEY is not set and {keyFile} does not exist, but {encrypted.Count} stored secret(s) are encrypted " +
                    $"({string.Join(", ", encrypted.Select(s => s.Key))}): set ENCRYPTION_KEY to the key that wrote them. " +
                    "A new key would make them unreadable, so none is generated.");
            }

            OwnerOnlyFile.WriteAllText(keyFile, FernetKey.Generate() + "\n");
            (key, source) = LoadKey(keyFile);
            LogGeneratedKey(logger, keyFile);
        }

        var unreadable = encrypted.Where(s => !CanDecrypt(key!, s.Value)).Select(s => s.Key).ToList();
        if (unreadable.Count > 0)
        {
            throw new ConfigurationException(
                $"The encryption key from {source} cannot decrypt the stored secret(s) {string.Join(", ", unreadable)}: " +
                "set ENCRYPTION_KEY to the key that wrote them.");
        }

        cipher.Use(key!);
    }

    private (FernetKey? Key, string Source) LoadKey(string keyFile)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.EncryptionKey))
        {
            return (FernetKey.Parse(options.Value.EncryptionKey), "ENCRYPTION_KEY");
        }

        if (OwnerOnlyFile.ReadFirstLine(keyFile) is not { } text)
        {
            return (null, keyFile);
        }

        return FernetKey.TryParse(text, out var key)
            ? (key, keyFile)
            : throw new ConfigurationException($"{keyFile} does not hold a Fernet key; restore it or set ENCRYPTION_KEY.");
    }

    private bool CanDecrypt(FernetKey key, string token)
    {
        try
        {
            Fernet.Decrypt(key, token, time.GetUtcNow());
            return true;
        }
        catch (InvalidFernetTokenException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The secrets store does not answer at start ({ErrorType}); the encryption key is checked once it does")]
    private static partial void LogStoreUnavailable(ILogger logger, string errorType);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopping: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "ENCRYPTION_KEY is not set: generated a new Fernet key in {KeyFile}. BACK UP THIS FILE (or set ENCRYPTION_KEY to its content): " +
        "without it the stored secrets cannot be decrypted.")]
    private static partial void LogGeneratedKey(ILogger logger, string keyFile);
}
