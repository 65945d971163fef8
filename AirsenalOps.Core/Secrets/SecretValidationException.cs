namespace AirsenalOps.Core.Secrets;

/// <summary>A secret key or value that the console refuses; the message is safe to show (it never contains the value).</summary>
public sealed class SecretValidationException : Exception
{
    public SecretValidationException()
    {
    }

    public SecretValidationException(string message)
        : base(message)
    {
    }

    public SecretValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
