namespace M2M.Gateway.Tokens;

/// <summary>
/// The token service's settings: <c>Gateway:Issuer</c> and <c>Gateway:Audience</c> (docs/protocol.md
/// section 4) and the section <c>Gateway:Tokens</c> (docs/tokens.md lists every key).
/// </summary>
public sealed class TokenOptions
{
    /// <summary>The configuration section of everything but the issuer and audience.</summary>
    public const string Section = "Gateway:Tokens";

    /// <summary>
    /// The issuer identifier (RFC 8414 section 2), e.g. <c>https://gateway.example</c>; when not
    /// configured, derived from the configured listening addresses (<see cref="GatewayIssuer.Resolve"/>).
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> of the access tokens the gateway issues and accepts.</summary>
    public string Audience { get; set; } = "urn:m2m:gateway";

    /// <summary>Lifetime of an issued access token (section 4, default one hour).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Allowed clock skew for assertions and tokens (section 3.2, default 60 s, at most 5 minutes).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest token request body (section 3.1: 8 KiB).</summary>
    public int MaxRequestBytes { get; set; } = 8 * 1024;

    /// <summary>Token requests allowed per client id per <see cref="RateLimitWindow"/>.</summary>
    public int RequestsPerClient { get; set; } = 10;

    /// <summary>Token requests allowed per remote address per <see cref="RateLimitWindow"/>.</summary>
    public int RequestsPerAddress { get; set; } = 100;

    /// <summary>The rate limits' fixed window.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest accepted clock skew: the whole lifetime of an assertion.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Throws when a setting is out of range, so a misconfigured gateway does not start.</summary>
    public void Validate()
    {
        if (ClockSkew < TimeSpan.Zero || ClockSkew > MaxClockSkew)
        {
            throw new InvalidOperationException($"{Section}:ClockSkew must be between 0 and {MaxClockSkew}.");
        }

        if (AccessTokenLifetime <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:AccessTokenLifetime must be positive.");
        }

        if (MaxRequestBytes <= 0 || RequestsPerClient <= 0 || RequestsPerAddress <= 0 || RateLimitWindow <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}: MaxRequestBytes, RequestsPerClient, RequestsPerAddress and RateLimitWindow must be positive.");
        }
    }
}
