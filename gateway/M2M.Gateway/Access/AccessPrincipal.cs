namespace M2M.Gateway.Access;

/// <summary>
/// Who sends a request to the admin or consumer API: an API key or the subject of an access token,
/// with its roles, held globally (<see cref="Tenant"/> null) or within one tenant.
/// </summary>
/// <param name="Id">The audit log's actor: the key's id (<c>ak-...</c>) or <c>device:{id}</c> / the token's subject.</param>
/// <param name="Roles">Its built-in roles (<see cref="AccessRoles"/>).</param>
/// <param name="Tenant">The one tenant it is confined to, or null for every tenant.</param>
public sealed record AccessPrincipal(string Id, IReadOnlyList<string> Roles, string? Tenant)
{
    /// <summary>What authenticated it, for the expression policies' <c>principal.kind</c>: <c>key</c> or <c>device</c>.</summary>
    public string Kind { get; init; } = "key";

    /// <summary>The claims of the access token that authenticated it (CEL values, docs/policies.md); null for an API key.</summary>
    public IReadOnlyDictionary<string, object?>? Claims { get; init; }

    /// <summary>True when the principal is confined to no tenant.</summary>
    public bool IsGlobal => Tenant == null;

    /// <summary>True when a resource of <paramref name="tenant"/> is within the principal's scope.</summary>
    public bool Sees(string? tenant) => Tenant == null || string.Equals(Tenant, tenant, StringComparison.Ordinal);
}
