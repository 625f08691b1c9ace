using M2M.Gateway.Access;
using M2M.Gateway.Audit;

namespace M2M.Gateway.Admin;

/// <summary>
/// Service clients in the admin API (docs/admin-api.md, "Service clients"): create (the secret shown
/// once), list, show, rotate the secret and revoke. They are credentials as API keys are, judged by
/// the same actions (read keys, manage keys) and tenant rule (<see cref="AdminCredentials"/>); each
/// action is audited with the client id as target and its tenant.
/// </summary>
internal static class AdminClientEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;

    /// <summary>The name of the operation whose body the handler reads itself.</summary>
    public const string CreateClientName = "CreateClient";

    private static readonly CredentialKind Kind = new("client", "service client", AdminProblems.ClientNotFound, AdminProblems.ClientRevoked);

    public static void Map(RouteGroupBuilder clients)
    {
        clients.MapPost("/", CreateAsync)
            .Produces<KeyResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAccess(AccessAction.ManageKeys, "clients.create")
            .WithName(CreateClientName).WithSummary("Creates a service client with an id, roles, an optional tenant and expiry; returns its client secret, once.");
        clients.MapGet("/", ListAsync)
            .Produces<IReadOnlyList<KeyResponse>>()
            .RequireAccess(AccessAction.ReadKeys, "clients.list")
            .WithName("ListClients").WithSummary("Lists the service clients (revoked and expired ones included), oldest first, without secrets.");
        clients.MapGet("/{id}", ShowAsync)
            .Produces<KeyResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAccess(AccessAction.ReadKeys, "clients.show")
            .WithName("ShowClient").WithSummary("Shows one service client, without its secret.");
        clients.MapPost("/{id}/rotate", RotateAsync)
            .Produces<KeyResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAccess(AccessAction.ManageKeys, "clients.rotate")
            .WithName("RotateClientSecret").WithSummary("Replaces the client secret (the old one, and every token issued before, stop working at once); returns the new one, once.");
        clients.MapPost("/{id}/revoke", RevokeAsync)
            .Produces<KeyResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAccess(AccessAction.ManageKeys, "clients.revoke")
            .WithName("RevokeClient").WithSummary("Revokes the service client for good: its secret and every token it holds stop working at once.");
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ServiceClientStore store, AccessPolicy policy, TimeProvider time, IAuditLog audit)
    {
        var principal = AuthenticateRequest.Principal(context);
        var (request, invalid) = await AdminBodies.ReadAsync<CreateClientRequest>(context.Request, MaxBodyBytes, "{\"id\",\"name\",\"roles\",\"tenant\",\"expiresAt\"}").ConfigureAwait(false);
        var tenant = request?.Tenant ?? principal.Tenant;
        var problem = request == null ? (AdminProblems.InvalidBody, invalid!)
            : !ServiceClientStore.IsValidClientId(request.Id) ? (AdminProblems.InvalidClientId, "A client id is 3 to 64 of a-z, 0-9 and '-', not beginning with 'ak-'.")
            : AdminCredentials.Validate(Kind, request.Name ?? request.Id, request.Roles, tenant, request.ExpiresAt, time.GetUtcNow());
        if (problem != null)
        {
            AdminCredentials.Audit(audit, context, "client.create", null, null, problem.Value.Code);
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, problem.Value.Code, "Invalid service client", problem.Value.Detail);
        }

        var decision = policy.MayManageKey(principal, tenant);
        if (!decision.IsAllowed)
        {
            AdminCredentials.Audit(audit, context, "client.create", request!.Id, tenant, decision.Reason);
            return AccessProblems.Forbidden(decision.Reason);
        }

        var created = await store.CreateAsync(request!.Id!, request.Name ?? request.Id!, request.Roles!.ToArray(), tenant, request.ExpiresAt, context.RequestAborted).ConfigureAwait(false);
        if (created == null)
        {
            AdminCredentials.Audit(audit, context, "client.create", request.Id, tenant, AdminProblems.ClientExists);
            return AdminProblems.Problem(StatusCodes.Status409Conflict, AdminProblems.ClientExists, "Service client exists",
                $"The client id '{request.Id}' is taken (a revoked client keeps its id for the audit trail); choose another.");
        }

        AdminCredentials.Audit(audit, context, "client.create", created.Key.Id, tenant, "ok");
        return Results.Created($"/admin/v1/clients/{created.Key.Id}", KeyResponse.FromClient(created.Key, time.GetUtcNow(), created.Secret));
    }

    private static async Task<IResult> ListAsync(HttpContext context, ServiceClientStore store, TimeProvider time, IAuditLog audit)
    {
        var principal = AuthenticateRequest.Principal(context);
        var clients = await store.ListAsync(principal.Tenant, context.RequestAborted).ConfigureAwait(false);
        AdminCredentials.Audit(audit, context, "client.list", null, principal.Tenant, "ok");
        var now = time.GetUtcNow();
        return Results.Ok(clients.Select(c => KeyResponse.FromClient(c, now)).ToList());
    }

    private static async Task<IResult> ShowAsync(string id, HttpContext context, ServiceClientStore store, AccessPolicy policy, TimeProvider time, IAuditLog audit)
    {
        var client = await AdminCredentials.FindAsync(store, id, AccessAction.ReadKeys, context, policy).ConfigureAwait(false);
        AdminCredentials.Audit(audit, context, "client.show", id, client?.Tenant, client == null ? Kind.NotFound : "ok");
        return client == null ? AdminCredentials.NotFound(Kind, id) : Results.Ok(KeyResponse.FromClient(client, time.GetUtcNow()));
    }

    private static async Task<IResult> RotateAsync(string id, HttpContext context, ServiceClientStore store, AccessPolicy policy, TimeProvider time, IAuditLog audit)
    {
        var client = await AdminCredentials.FindAsync(store, id, AccessAction.ManageKeys, context, policy).ConfigureAwait(false);
        var (change, rotated) = client == null ? (KeyChange.NotFound, null) : await store.RotateAsync(id, context.RequestAborted).ConfigureAwait(false);
        return AdminCredentials.Answer(Kind, "rotate", id, client, change, context, audit, () => KeyResponse.FromClient(rotated!.Key, time.GetUtcNow(), rotated.Secret));
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext context, ServiceClientStore store, AccessPolicy policy, TimeProvider time, IAuditLog audit)
    {
        var client = await AdminCredentials.FindAsync(store, id, AccessAction.ManageKeys, context, policy).ConfigureAwait(false);
        var change = client == null ? KeyChange.NotFound : await store.RevokeAsync(id, context.RequestAborted).ConfigureAwait(false);
        return await AdminCredentials.AnswerWithRecordAsync(Kind, "revoke", id, client, change, context, store, audit, changed => KeyResponse.FromClient(changed, time.GetUtcNow())).ConfigureAwait(false);
    }
}
