using System.Text.Json.Serialization;
using M2M.Gateway.Access;

namespace M2M.Gateway.Admin;

/// <summary>The body of <c>POST /admin/v1/clients</c>.</summary>
/// <param name="Id">The client id (OAuth <c>client_id</c>): 3 to 64 of <c>a-z 0-9 -</c>, not beginning with <c>ak-</c>.</param>
/// <param name="Name">What the client is for (1 to 128 characters); default its id.</param>
/// <param name="Roles">Its built-in roles, at least one.</param>
/// <param name="Tenant">The tenant it is confined to; absent for a global client (a tenant-scoped creator's clients take its tenant).</param>
/// <param name="ExpiresAt">When it stops working; absent for never.</param>
public sealed record CreateClientRequest(string? Id, string? Name, IReadOnlyList<string>? Roles, string? Tenant, DateTimeOffset? ExpiresAt);

/// <summary>A service client as the admin API shows it (docs/admin-api.md, "Service clients"), never with its hash.</summary>
/// <param name="Id">Its client id.</param>
/// <param name="Name">What it is for.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Tenant">Its tenant, or null for a global client.</param>
/// <param name="State"><c>active</c>, <c>expired</c> or <c>revoked</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="SecretSince">When its current secret came into force.</param>
/// <param name="Generation">1 at creation, +1 at every rotation: its tokens name the generation they were issued for.</param>
/// <param name="ExpiresAt">When it stops (stopped) working, or null.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
/// <param name="LastUsedAt">When it last obtained a token, or null.</param>
/// <param name="Secret">Only in the answers to create and rotate: the client secret, shown this once.</param>
public sealed record ClientResponse(
    string Id,
    string Name,
    IReadOnlyList<string> Roles,
    string? Tenant,
    string State,
    DateTimeOffset CreatedAt,
    DateTimeOffset SecretSince,
    long Generation,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    public static ClientResponse From(ApiKey client, DateTimeOffset now, string? secret = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new(client.Id, client.Name, client.Roles, client.Tenant, client.State(now), client.CreatedAt, client.SecretSince, client.Generation,
            client.ExpiresAt, client.RevokedAt, client.LastUsedAt, secret);
    }
}
