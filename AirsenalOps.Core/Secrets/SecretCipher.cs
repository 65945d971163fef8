namespace AirsenalOps.Core.Secrets;

/// <summary>
/// Encrypts stored secret values with the console's Fernet key. The key is installed once at start by
/// <see cref="SecretsInitializer"/>, after it has checked that the key opens every stored secret.
/// </summary>
public sealed class SecretCipher(TimeProvider time)
{
    private FernetKey? _key;

    private FernetKey Key => _key ?? throw new InvalidOperationException("The secrets key is not loaded yet (the host has not started).");

    public bool IsReady => _key is not null;

    internal void Use(FernetKey key) => _key = key;

    public string Protect(string plaintext) => Fernet.Encrypt(Key, plaintext, time.GetUtcNow());

    /// <summary>The plain value of a stored one: Fernet tokens are decrypted, the peer's legacy plain-text rows pass through.</summary>
    public string Reveal(string stored) =>
        Fernet.LooksLikeToken(stored) ? Fernet.DecryptString(Key, stored, time.GetUtcNow()) : stored;
}
