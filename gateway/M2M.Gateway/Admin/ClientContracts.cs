namespace M2M.Gateway.Admin;

/// <summary>The body of <c>POST /admin/v1/clients</c>.</summary>
/// <param name="Id">The client id (OAuth <c>client_id</c>): 3 to 64 of <c>a-z 0-9 -</c>, not beginning with <c>ak-</c>.</param>
/// <param name="Name">What the client is for (1 to 128 characters); default its id.</param>
/// <param name="Roles">Its built-in roles, at least one.</param>
/// <param name="Tenant">The tenant it is confined to; absent for a global client (a tenant-scoped creator's clients take its tenant).</param>
/// <param name="ExpiresAt">When it stops working; absent for never.</param>
public sealed record CreateClientRequest(string? Id, string? Name, IReadOnlyList<string>? Roles, string? Tenant, DateTimeOffset? ExpiresAt);
