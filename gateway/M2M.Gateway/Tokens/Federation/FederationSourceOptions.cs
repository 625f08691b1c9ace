namespace M2M.Gateway.Tokens.Federation;

/// <summary>One mapping of a federation source: the assertions whose client claim is <see cref="Value"/> obtain tokens of the service client <see cref="ClientId"/>.</summary>
public sealed class FederationClientMapping
{
    /// <summary>The client claim's exact value, e.g. <c>system:serviceaccount:billing:exporter</c>.</summary>
    public string Value { get; set; } = string.Empty;

    /// <summary>The service client (docs/tokens.md, "Service clients") whose tenant and roles the token carries.</summary>
    public string ClientId { get; set; } = string.Empty;
}

/// <summary>
/// A trusted federation source (configuration array <c>Gateway:Federation</c>, docs/tokens.md
/// "Federation"): an issuer of JWTs that a service presents as the grant of RFC 7523 section 2.1 (a
/// Kubernetes service-account token, a CI job's OIDC token, an identity provider's access token) to
/// obtain a gateway token of the service client its claim maps to.
/// </summary>
public sealed class FederationSourceOptions
{
    /// <summary>The configuration section (an array).</summary>
    public const string Section = "Gateway:Federation";

    /// <summary>A name for logs and the audit log (1 to 64 of <c>a-z 0-9 - _ .</c>).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The issuer identifier: an assertion's <c>iss</c> must equal it exactly.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Where its JWK Set is served (RFC 7517 section 5), e.g. Kubernetes' <c>/openid/v1/jwks</c>.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>A file holding its JWK Set (read again at every refresh), e.g. the output of <c>kubectl get --raw /openid/v1/jwks</c>.</summary>
    public string? JwksFile { get; set; }

    /// <summary>Its discovery document (OpenID Connect Discovery or RFC 8414), whose <c>jwks_uri</c> names the keys.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>An <c>aud</c> the assertions must carry (joined with <see cref="Audiences"/>); any one suffices.</summary>
    public string? Audience { get; set; }

    /// <summary>More accepted audiences.</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>The claim whose value selects the service client (default <c>sub</c>); a dotted path reaches a nested one.</summary>
    public string ClientClaim { get; set; } = "sub";

    /// <summary>Which claim values map to which service client; a value not listed is refused.</summary>
    public List<FederationClientMapping> Clients { get; set; } = [];

    /// <summary>
    /// The claim with the tenant, or null. When set, an assertion must carry it: a tenant-scoped client
    /// must have exactly that tenant; a global client's token is confined to it.
    /// </summary>
    public string? TenantClaim { get; set; }

    /// <summary>The claim with roles, or null. When set, the token holds the client's roles that the assertion also names (none when it lacks the claim).</summary>
    public string? RolesClaim { get; set; }

    /// <summary>The accepted signature algorithms; never <c>none</c> or an HMAC.</summary>
    public List<string> Algorithms { get; set; } = ["RS256", "ES256"];

    /// <summary>Fetch keys over HTTPS only (default). Off only for loopback tests.</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>The shortest time between two fetches caused by unknown key ids.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the keys are fetched (the file read) anyway.</summary>
    public TimeSpan AutomaticRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary><see cref="Audience"/> and <see cref="Audiences"/>, without blanks and repeats.</summary>
    public IReadOnlyList<string> AcceptedAudiences =>
        [.. (Audience == null ? Audiences : Audiences.Prepend(Audience)).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct(StringComparer.Ordinal)];

    /// <summary>Throws when the entry cannot work, so a misconfigured gateway does not start.</summary>
    public void Validate()
    {
        var where = $"{Section} ({(Name.Length > 0 ? Name : Issuer)})";
        if (Name.Length is 0 or > 64 || !Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
        {
            throw new InvalidOperationException($"{where}: Name must be 1 to 64 of a-z 0-9 - _ .");
        }

        if (string.IsNullOrWhiteSpace(Issuer))
        {
            throw new InvalidOperationException($"{where}: Issuer is required (the assertions' exact iss).");
        }

        if ((JwksUrl != null ? 1 : 0) + (JwksFile != null ? 1 : 0) + (MetadataAddress != null ? 1 : 0) != 1)
        {
            throw new InvalidOperationException($"{where}: name the keys with exactly one of JwksUrl, JwksFile and MetadataAddress.");
        }

        if ((JwksUrl != null && !Uri.TryCreate(JwksUrl, UriKind.Absolute, out _)) || (MetadataAddress != null && !Uri.TryCreate(MetadataAddress, UriKind.Absolute, out _)))
        {
            throw new InvalidOperationException($"{where}: JwksUrl and MetadataAddress must be absolute URLs.");
        }

        if (AcceptedAudiences.Count == 0)
        {
            // RFC 7523 section 3 point 3: the assertion must name this server as its audience.
            throw new InvalidOperationException($"{where}: name the audience the assertions carry (Audience or Audiences).");
        }

        if (string.IsNullOrWhiteSpace(ClientClaim) || Clients.Count == 0 || Clients.Any(c => string.IsNullOrEmpty(c.Value) || !Access.ServiceClientStore.IsValidClientId(c.ClientId)))
        {
            throw new InvalidOperationException($"{where}: a ClientClaim and at least one Clients entry, each a Value and a valid ClientId, are required.");
        }

        if (Clients.GroupBy(c => c.Value, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new InvalidOperationException($"{where}: a claim value is mapped twice in Clients.");
        }

        if (Algorithms.Count == 0 || Algorithms.Any(a => a.StartsWith("HS", StringComparison.OrdinalIgnoreCase) || a.Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"{where}: Algorithms must list asymmetric algorithms only (no 'none', no HMAC).");
        }
    }
}
