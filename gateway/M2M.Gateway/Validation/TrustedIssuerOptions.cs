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

    /// <summary>An <c>aud</c> the tokens may carry (joined with <see cref="Audiences"/>).</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// More accepted audiences: a token is accepted when its <c>aud</c> names any of them (RFC 7519
    /// section 4.1.3). One issuer may serve several clients whose tokens name their own client id
    /// (authentik with a global issuer: one provider, one client id, each).
    /// </summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>
    /// Also accept a token whose <c>aud</c> names the device itself (the device id read from
    /// <see cref="DeviceIdClaim"/>): the authentik layout in which each device is its own provider and
    /// its tokens' <c>aud</c> is that provider's client id, the device id.
    /// </summary>
    public bool DeviceIdAudience { get; set; }

    /// <summary>
    /// The claim that carries the device id (default <c>sub</c>; Keycloak puts the client id in
    /// <c>azp</c>, others in <c>client_id</c>). A name that is not a top-level claim is read as a
    /// path into nested objects, separated by dots (<see cref="ClaimPath"/>).
    /// </summary>
    public string DeviceIdClaim { get; set; } = "sub";

    /// <summary>
    /// The claim that carries the tenant, or null (default). The tenant of a session always comes
    /// from the gateway's device registry; when this is set, a token must carry the claim and it must
    /// equal the registry's tenant (otherwise CONNECT is refused, docs/tokens.md "Trusted issuers").
    /// </summary>
    public string? TenantClaim { get; set; }

    /// <summary>
    /// The claim that carries the roles (a string or an array of strings; a dotted path such as
    /// Keycloak's <c>realm_access.roles</c> reaches a nested one), or null (default). When set,
    /// it can only narrow: a session holds the registry's roles that the token also names (none when
    /// the token lacks the claim).
    /// </summary>
    public string? RolesClaim { get; set; }

    /// <summary>
    /// Whether a session opened with this issuer's token may be extended in-band with a client
    /// assertion under K_auth whose <c>aud</c> is this issuer's token endpoint (docs/protocol.md
    /// section 7.2), the renewal a board that holds one TLS socket can make. Default true. False
    /// requires a fresh token of this issuer for every renewal, so that disabling the device at the
    /// provider ends its session at the token's expiry even when the gateway still has it enabled.
    /// </summary>
    public bool RenewWithAssertion { get; set; } = true;

    /// <summary>The token endpoint devices use at this issuer; default the <c>token_endpoint</c> of its metadata.</summary>
    public string? TokenEndpoint { get; set; }

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
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out _) || string.IsNullOrWhiteSpace(DeviceIdClaim))
        {
            throw new InvalidOperationException($"{Section}: every entry needs an absolute Authority URL and a DeviceIdClaim.");
        }

        if (AcceptedAudiences.Count == 0 && !DeviceIdAudience)
        {
            throw new InvalidOperationException($"{Section} ({Authority}): name the audience tokens carry (Audience or Audiences), or set DeviceIdAudience.");
        }

        if (TokenEndpoint != null && !Uri.TryCreate(TokenEndpoint, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"{Section} ({Authority}): TokenEndpoint must be an absolute URL.");
        }

        if (Algorithms.Count == 0 || Algorithms.Any(a => a.StartsWith("HS", StringComparison.OrdinalIgnoreCase) || a.Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"{Section} ({Authority}): Algorithms must list asymmetric algorithms only (no 'none', no HMAC).");
        }
    }

    /// <summary><see cref="Audience"/> and <see cref="Audiences"/>, without blanks and repeats.</summary>
    public IReadOnlyList<string> AcceptedAudiences =>
        [.. (Audience == null ? Audiences : Audiences.Prepend(Audience)).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct(StringComparer.Ordinal)];
}
