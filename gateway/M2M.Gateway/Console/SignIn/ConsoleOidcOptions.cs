namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>
/// Console sign-in through an OpenID Connect provider (configuration section
/// <c>Gateway:Console:Oidc</c>, docs/console.md "Signing in with OpenID Connect"): the authorization
/// code flow with PKCE (RFC 7636) against a Keycloak realm, an authentik provider or any other
/// provider, the person's roles and tenant read from claims of the ID token as the gateway's trusted
/// issuers read them (docs/tokens.md "Claim mappings"). Off while <see cref="Authority"/> is empty.
/// </summary>
public sealed class ConsoleOidcOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Console:Oidc";

    /// <summary>The provider's issuer URL (its discovery document is <c>{Authority}/.well-known/openid-configuration</c>).</summary>
    public string? Authority { get; set; }

    /// <summary>The console's client id at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>Its client secret (a confidential client); empty for a public client, which PKCE alone protects.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The button's words: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>The scopes asked for (<c>openid</c> is always asked).</summary>
    public List<string> Scopes { get; set; } = ["openid", "profile"];

    /// <summary>The claim that names the person (the audit log's actor is <c>oidc:{value}</c>).</summary>
    public string SubjectClaim { get; set; } = "sub";

    /// <summary>
    /// The claim with the person's roles or groups: a string or an array, a dotted path reaching a
    /// nested one (Keycloak's <c>realm_access.roles</c>; authentik's <c>groups</c>).
    /// </summary>
    public string RolesClaim { get; set; } = "roles";

    /// <summary>
    /// Provider roles or groups to the gateway's built-in roles (<c>admin</c>, <c>operator</c>,
    /// <c>viewer</c>), e.g. <c>"m2m-operators": "operator"</c>. A value that is itself a built-in role
    /// name is taken as it is; any other is ignored.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The claim with the one tenant the person is confined to; empty: every person of this provider
    /// is global. When set, a person without the claim is refused (<c>missing_tenant</c>): never
    /// global by omission.
    /// </summary>
    public string? TenantClaim { get; set; }

    /// <summary>Fetch the provider's metadata over HTTPS only (default). Off only for loopback tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>True when the section names a provider.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>Throws when a configured provider cannot work, so a misconfigured gateway does not start.</summary>
    public void Validate()
    {
        if (Enabled && (!Uri.TryCreate(Authority, UriKind.Absolute, out _) || string.IsNullOrWhiteSpace(ClientId)))
        {
            throw new InvalidOperationException($"{Section}: Authority must be an absolute URL and ClientId is required.");
        }

        if (RoleMap.Values.Any(r => !Access.AccessRoles.All.Contains(r)))
        {
            throw new InvalidOperationException($"{Section}: RoleMap maps to built-in roles only ({string.Join(", ", Access.AccessRoles.All)}).");
        }
    }
}
