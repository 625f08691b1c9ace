using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Admin;

/// <summary>
/// API keys in the admin API (docs/admin-api.md, "API keys"): create (the key shown once), list,
/// show, rotate, expire and revoke. Each action is audited with the key's id as target and its
/// tenant. A tenant-scoped admin manages only its tenant's keys; another tenant's key, and every
/// global key, is answered as absent (404).
/// </summary>
internal static class AdminKeyEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;

    /// <summary>The names of the operations whose body the handler reads itself (described in the OpenAPI document by <see cref="AdminApiExtensions"/>).</summary>
    public const string CreateKeyName = "CreateKey";
    public const string ExpireKeyName = "ExpireKey";

    public static void Map(RouteGroupBuilder keys)
    {
        keys.MapPost("/", CreateAsync)
            .Produces<KeyResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .RequireAccess(AccessAction.ManageKeys, "keys.create")
            .WithName(CreateKeyName).WithSummary("Creates an API key with a name, roles, an optional tenant and expiry; returns the key, once.");
        keys.MapGet("/", ListAsync)
            .Produces<IReadOnlyList<KeyResponse>>()
            .RequireAccess(AccessAction.ReadKeys, "keys.list")
            .WithName("ListKeys").WithSummary("Lists the API keys (revoked and expired ones included), oldest first, without secrets.");
        keys.MapGet("/{id}", ShowAsync)
            .Produces<KeyResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAccess(AccessAction.ReadKeys, "keys.show")
            .WithName("ShowKey").WithSummary("Shows one API key, without its secret.");
        keys.MapPost("/{id}/rotate", RotateAsync)
            .Produces<KeyResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAccess(AccessAction.ManageKeys, "keys.rotate")
            .WithName("RotateKey").WithSummary("Replaces the key's secret (the old one stops working at once) and returns the new one, once.");
        keys.MapPost("/{id}/expire", ExpireAsync)
            .Produces<KeyResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAccess(AccessAction.ManageKeys, "keys.expire")
            .WithName(ExpireKeyName).WithSummary("Sets when the key stops working: now (no body) or {\"at\"}.");
        keys.MapPost("/{id}/revoke", RevokeAsync)
            .Produces<KeyResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAccess(AccessAction.ManageKeys, "keys.revoke")
            .WithName("RevokeKey").WithSummary("Revokes the key for good (refused for the last active global admin key).");
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ApiKeyStore store, AccessPolicy policy, TimeProvider time, IAuditLog audit)
    {
        var principal = AuthenticateRequest.Principal(context);
        var (request, invalid) = await AdminBodies.ReadAsync<CreateKeyRequest>(context.Request, MaxBodyBytes, "{\"name\",\"roles\",\"tenant\",\"expiresAt\"}").ConfigureAwait(false);
        var tenant = request?.Tenant ?? principal.Tenant;
        var problem = request == null ? (AdminProblems.InvalidBody, invalid!) : Validate(request, tenant, time.GetUtcNow());
        if (problem != null)
        {
            Audit(audit, context, "key.create", null, null, problem.Value.Code);
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, problem.Value.Code, "Invalid API key", problem.Value.Detail);
        }

        var decision = policy.MayManageKey(principal, tenant);
        if (!decision.IsAllowed)
        {
            Audit(audit, context, "key.create", null, tenant, decision.Reason);
            return AccessProblems.Forbidden(decision.Reason);
        }

        var created = await store.CreateAsync(request!.Name!, request.Roles!.ToArray(), tenant, request.ExpiresAt, context.RequestAborted).ConfigureAwait(false);
        Audit(audit, context, "key.create", created.Key.Id, tenant, "ok");
        return Results.Created($"/admin/v1/keys/{created.Key.Id}", KeyResponse.From(created.Key, time.GetUtcNow(), created.Secret));
    }

    private static async Task<IResult> ListAsync(HttpContext context, ApiKeyStore store, TimeProvider time, IAuditLog audit)
    {
        var principal = AuthenticateRequest.Principal(context);
        var keys = await store.ListAsync(principal.Tenant, context.RequestAborted).ConfigureAwait(false);
        Audit(audit, context, "key.list", null, principal.Tenant, "ok");
        var now = time.GetUtcNow();
        return Results.Ok(keys.Select(k => KeyResponse.From(k, now)).ToList());
    }

    private static async Task<IResult> ShowAsync(string id, HttpContext context, ApiKeyStore store, AccessPolicy policy, TimeProvider time, IAuditLog audit)
    {
        var key = await FindAsync(id, AccessAction.ReadKeys, context, store, policy).ConfigureAwait(false);
        Audit(audit, context, "key.show", id, key?.Tenant, key == null ? AdminProblems.KeyNotFound : "ok");
        return key == null ? NotFound(id) : Results.Ok(KeyResponse.From(key, time.GetUtcNow()));
    }

    private static async Task<IResult> RotateAsync(string id, HttpContext context, ApiKeyStore store, AccessPolicy policy, TimeProvider time, IAuditLog audit)
    {
        var key = await FindAsync(id, AccessAction.ManageKeys, context, store, policy).ConfigureAwait(false);
        var (change, rotated) = key == null ? (KeyChange.NotFound, null) : await store.RotateAsync(id, context.RequestAborted).ConfigureAwait(false);
        return Answer("key.rotate", id, key, change, context, audit, () => KeyResponse.From(rotated!.Key, time.GetUtcNow(), rotated.Secret));
    }

    private static async Task<IResult> ExpireAsync(string id, HttpContext context, ApiKeyStore store, AccessPolicy policy, TimeProvider time, IAuditLog audit)
    {
        var key = await FindAsync(id, AccessAction.ManageKeys, context, store, policy).ConfigureAwait(false);
        var at = time.GetUtcNow();
        if (!AdminBodies.IsEmpty(context.Request))
        {
            var (request, invalid) = await AdminBodies.ReadAsync<ExpireKeyRequest>(context.Request, MaxBodyBytes, "{\"at\"}").ConfigureAwait(false);
            if (request?.At == null)
            {
                Audit(audit, context, "key.expire", id, key?.Tenant, AdminProblems.InvalidBody);
                return AdminProblems.Problem(StatusCodes.Status400BadRequest, AdminProblems.InvalidBody, "Invalid expiry",
                    invalid ?? "The body is {\"at\":\"<ISO 8601 time>\"}, or absent to expire the key now.");
            }

            at = request.At.Value;
        }

        var change = key == null ? KeyChange.NotFound : await store.ExpireAsync(id, at, context.RequestAborted).ConfigureAwait(false);
        return await AnswerWithKeyAsync("key.expire", id, key, change, context, store, time, audit).ConfigureAwait(false);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext context, ApiKeyStore store, AccessPolicy policy, TimeProvider time, IAuditLog audit)
    {
        var key = await FindAsync(id, AccessAction.ManageKeys, context, store, policy).ConfigureAwait(false);
        var change = key == null ? KeyChange.NotFound : await store.RevokeAsync(id, context.RequestAborted).ConfigureAwait(false);
        return await AnswerWithKeyAsync("key.revoke", id, key, change, context, store, time, audit).ConfigureAwait(false);
    }

    private static async Task<IResult> AnswerWithKeyAsync(string action, string id, ApiKey? key, KeyChange change, HttpContext context, ApiKeyStore store, TimeProvider time, IAuditLog audit)
    {
        var changed = change == KeyChange.Done ? await store.FindAsync(id, context.RequestAborted).ConfigureAwait(false) : null;
        return Answer(action, id, key, change, context, audit, () => KeyResponse.From(changed!, time.GetUtcNow()));
    }

    private static IResult Answer(string action, string id, ApiKey? key, KeyChange change, HttpContext context, IAuditLog audit, Func<KeyResponse> body)
    {
        var (result, outcome) = change switch
        {
            KeyChange.Done => (Results.Ok(body()), "ok"),
            KeyChange.Revoked => (AdminProblems.Problem(StatusCodes.Status409Conflict, AdminProblems.KeyRevoked, "Key revoked", $"The API key '{id}' is revoked; create a new one."), AdminProblems.KeyRevoked),
            KeyChange.LastAdminKey => (AdminProblems.Problem(StatusCodes.Status409Conflict, AdminProblems.LastAdminKey, "Last admin key",
                $"'{id}' is the last active global admin key: create another global admin key first (m2m key create --role admin), or nobody could manage the gateway."), AdminProblems.LastAdminKey),
            _ => (NotFound(id), AdminProblems.KeyNotFound),
        };
        Audit(audit, context, action, id, key?.Tenant, outcome);
        return result;
    }

    /// <summary>The key, when it exists and the principal may do <paramref name="action"/> on it; null otherwise (answered 404 alike).</summary>
    private static async Task<ApiKey?> FindAsync(string id, AccessAction action, HttpContext context, ApiKeyStore store, AccessPolicy policy)
    {
        var key = await store.FindAsync(id, context.RequestAborted).ConfigureAwait(false);
        var principal = AuthenticateRequest.Principal(context);
        if (key == null)
        {
            return null;
        }

        var decision = action == AccessAction.ManageKeys ? policy.MayManageKey(principal, key.Tenant) : policy.Decide(principal, action, key.Tenant);

        // A tenant-scoped principal does not see global keys either.
        return decision.IsAllowed && (principal.IsGlobal || key.Tenant != null) ? key : null;
    }

    private static (string Code, string Detail)? Validate(CreateKeyRequest request, string? tenant, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > ApiKeyStore.MaxName || request.Name.Any(char.IsControl))
        {
            return (AdminProblems.InvalidName, $"A key's name is 1 to {ApiKeyStore.MaxName} characters without control characters.");
        }

        if (request.Roles is not { Count: > 0 } roles || roles.Distinct(StringComparer.Ordinal).Count() != roles.Count || !roles.All(AccessRoles.IsKnown))
        {
            return (AdminProblems.InvalidRoles, $"A key has one or more distinct roles among: {string.Join(", ", AccessRoles.All)}.");
        }

        if (tenant != null && !DeviceNames.IsValidTenant(tenant))
        {
            return (AdminProblems.InvalidTenant, "A tenant is 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-'.");
        }

        return request.ExpiresAt <= now
            ? (AdminProblems.InvalidExpiry, "expiresAt is in the past; omit it for a key that does not expire.")
            : null;
    }

    private static IResult NotFound(string id) =>
        AdminProblems.Problem(StatusCodes.Status404NotFound, AdminProblems.KeyNotFound, "Key not found", $"No API key '{id}' is known.");

    private static void Audit(IAuditLog audit, HttpContext context, string action, string? keyId, string? tenant, string outcome) =>
        audit.Record(new AuditEvent(action, AuthenticateRequest.Actor(context), null, outcome, context.Connection.RemoteIpAddress?.ToString(),
            keyId != null && keyId.Length <= 64 && keyId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? keyId : null,
            DeviceNames.IsValidTenant(tenant) ? tenant : null));
}
