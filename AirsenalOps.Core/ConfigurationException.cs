namespace AirsenalOps.Core;

/// <summary>A setting that is present but unusable. Thrown at start; the host prints its message as one line.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException()
    {
    }

    public ConfigurationException(string message)
        : base(message)
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
