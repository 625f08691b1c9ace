using System.Text.Json.Serialization;
using M2M.Gateway.Access;

namespace M2M.Gateway.Admin;

/// <summary>The body of <c>POST /admin/v1/keys</c>.</summary>
/// <param name="Name">What the key is for (1 to 128 characters, no control characters).</param>
/// <param name="Roles">Its built-in roles, at least one.</param>
/// <param name="Tenant">The tenant it is confined to; absent for a global key (a tenant-scoped creator's keys take its tenant).</param>
/// <param name="ExpiresAt">When it stops working; absent for never.</param>
public sealed record CreateKeyRequest(string? Name, IReadOnlyList<string>? Roles, string? Tenant, DateTimeOffset? ExpiresAt);

/// <summary>The body of <c>POST /admin/v1/keys/{id}/expire</c>; no body means now.</summary>
/// <param name="At">When the key stops working.</param>
public sealed record ExpireKeyRequest(DateTimeOffset? At);

/// <summary>
/// An API key as the admin API shows it (docs/admin-api.md, "API keys"), never with its hash; a
/// service client ("Service clients") is shown alike, with its <see cref="Generation"/> and its
/// <see cref="Secret"/> instead of <see cref="Key"/>.
/// </summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">What it is for.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Tenant">Its tenant, or null for a global key.</param>
/// <param name="State"><c>active</c>, <c>expired</c> or <c>revoked</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="SecretSince">When its current secret came into force.</param>
/// <param name="ExpiresAt">When it stops (stopped) working, or null.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
/// <param name="LastUsedAt">When it last authenticated a request, or null.</param>
/// <param name="Key">Only in the answers to create and rotate of a key: the key itself, shown this once.</param>
/// <param name="Generation">A service client's: 1 at creation, +1 at every rotation (its tokens name it).</param>
/// <param name="Secret">Only in the answers to create and rotate of a service client: its client secret, shown this once.</param>
public sealed record KeyResponse(
    string Id,
    string Name,
    IReadOnlyList<string> Roles,
    string? Tenant,
    string State,
    DateTimeOffset CreatedAt,
    DateTimeOffset SecretSince,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Generation = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    public static KeyResponse From(ApiKey key, DateTimeOffset now, string? secret = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.Id, key.Name, key.Roles, key.Tenant, key.State(now), key.CreatedAt, key.SecretSince, key.ExpiresAt, key.RevokedAt, key.LastUsedAt, secret);
    }

    /// <summary>A service client, with its generation, and its client secret when given (create, rotate).</summary>
    public static KeyResponse FromClient(ApiKey client, DateTimeOffset now, string? secret = null) =>
        From(client, now) with { Generation = client.Generation, Secret = secret };
}
