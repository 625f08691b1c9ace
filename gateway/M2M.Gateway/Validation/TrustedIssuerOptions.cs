namespace M2M.Gateway.Validation;

/// <summary>
/// One external issuer whose access tokens the gateway accepts (configuration array
/// <c>Gateway:TrustedIssuers</c>, docs/tokens.md "Trusted issuers"), e.g. a Keycloak realm or an
/// authentik provider. Its metadata (OpenID Connect Discovery or RFC 8414) and JWKS are fetched,
/// cached, and fetched again when a token names an unknown key.
/// </summary>
public sealed class TrustedIssuerOptions
{
    /// <summary>The configuration section (an array).</summary>
    public const string Section = "Gateway:TrustedIssuers";

    /// <summary>The issuer identifier; the token's <c>iss</c> must equal it.</summary>
    public string Authority { get; set; } = string.Empty;

    /// <summary>The metadata document; default <see cref="Authority"/> + <c>/.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The <c>aud</c> the tokens must carry.</summary>
    public string Audience { get; set; } = string.Empty;

    /// <summary>The claim that carries the device id (default <c>sub</c>; Keycloak puts the client id in <c>azp</c>, others in <c>client_id</c>).</summary>
    public string DeviceIdClaim { get; set; } = "sub";

    /// <summary>
    /// The claim that carries the tenant, or null (default). The tenant of a session always comes
    /// from the gateway's device registry; when this is set, a token must carry the claim and it must
    /// equal the registry's tenant (otherwise CONNECT is refused, docs/tokens.md "Trusted issuers").
    /// </summary>
    public string? TenantClaim { get; set; }

    /// <summary>
    /// The top-level claim that carries the roles (a string or an array), or null (default). When set,
    /// it can only narrow: a session holds the registry's roles that the token also names (none when
    /// the token lacks the claim).
    /// </summary>
    public string? RolesClaim { get; set; }

    /// <summary>The accepted signature algorithms (RFC 7518 names); never <c>none</c> or an HMAC.</summary>
    public List<string> Algorithms { get; set; } = ["RS256", "ES256"];

    /// <summary>Fetch metadata over HTTPS only (default). Off only for loopback tests.</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>The shortest time between two fetches caused by unknown key ids (default 5 minutes): bounds what forged kids can cost.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the metadata and keys are fetched anyway (default 12 hours).</summary>
    public TimeSpan AutomaticRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Throws when an entry cannot work, so a misconfigured gateway does not start.</summary>
    public void Validate()
    {
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out _) || string.IsNullOrWhiteSpace(Audience) || string.IsNullOrWhiteSpace(DeviceIdClaim))
        {
            throw new InvalidOperationException($"{Section}: every entry needs an absolute Authority URL, an Audience and a DeviceIdClaim.");
        }

        if (Algorithms.Count == 0 || Algorithms.Any(a => a.StartsWith("HS", StringComparison.OrdinalIgnoreCase) || a.Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"{Section} ({Authority}): Algorithms must list asymmetric algorithms only (no 'none', no HMAC).");
        }
    }
}
