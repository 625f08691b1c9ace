namespace M2M.Gateway.Keys;

/// <summary>Configuration section <c>Gateway:SigningKeys</c>: the key ring's rotation schedule (docs/tokens.md).</summary>
public sealed class SigningKeyOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:SigningKeys";

    /// <summary>How long a key signs before its successor takes over (default 30 days).</summary>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a new key is published in the JWKS before it signs anything (default one day), so
    /// every verifier that caches the JWKS for less than this already knows the key.
    /// </summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The key ring file in the data folder.</summary>
    public string Path { get; set; } = "signing-keys.json";

    /// <summary>Throws when the schedule is impossible, so a misconfigured gateway does not start.</summary>
    public void Validate()
    {
        if (RotationInterval <= TimeSpan.Zero || PublishAhead < TimeSpan.Zero || PublishAhead >= RotationInterval)
        {
            throw new InvalidOperationException($"{Section}: RotationInterval must be positive and PublishAhead shorter than it.");
        }
    }
}
