using M2M.Gateway.Access;
using M2M.Gateway.Audit;

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

    private static readonly CredentialKind Kind = new("key", "API key", AdminProblems.KeyNotFound, AdminProblems.KeyRevoked);

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
        var problem = request == null ? (AdminProblems.InvalidBody, invalid!) : AdminCredentials.Validate(Kind, request.Name, request.Roles, tenant, request.ExpiresAt, time.GetUtcNow());
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
        return Answer("rotate", id, key, change, context, audit, () => KeyResponse.From(rotated!.Key, time.GetUtcNow(), rotated.Secret));
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
        return await AnswerWithKeyAsync("expire", id, key, change, context, store, time, audit).ConfigureAwait(false);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext context, ApiKeyStore store, AccessPolicy policy, TimeProvider time, IAuditLog audit)
    {
        var key = await FindAsync(id, AccessAction.ManageKeys, context, store, policy).ConfigureAwait(false);
        var change = key == null ? KeyChange.NotFound : await store.RevokeAsync(id, context.RequestAborted).ConfigureAwait(false);
        return await AnswerWithKeyAsync("revoke", id, key, change, context, store, time, audit).ConfigureAwait(false);
    }

    private static Task<IResult> AnswerWithKeyAsync(string action, string id, ApiKey? key, KeyChange change, HttpContext context, ApiKeyStore store, TimeProvider time, IAuditLog audit) =>
        AdminCredentials.AnswerWithRecordAsync(Kind, action, id, key, change, context, store, audit, changed => KeyResponse.From(changed, time.GetUtcNow()));

    private static IResult Answer(string action, string id, ApiKey? key, KeyChange change, HttpContext context, IAuditLog audit, Func<KeyResponse> body) =>
        AdminCredentials.Answer(Kind, action, id, key, change, context, audit, body);

    private static Task<ApiKey?> FindAsync(string id, AccessAction action, HttpContext context, ApiKeyStore store, AccessPolicy policy) =>
        AdminCredentials.FindAsync(store, id, action, context, policy);

    private static IResult NotFound(string id) => AdminCredentials.NotFound(Kind, id);

    private static void Audit(IAuditLog audit, HttpContext context, string action, string? keyId, string? tenant, string outcome) =>
        AdminCredentials.Audit(audit, context, action, keyId, tenant, outcome);
}
