using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Admin;

/// <summary>
/// The device actions of the admin API (docs/admin-api.md). Each one is audited with the
/// principal's id as actor and its outcome ("ok" or the problem code). A tenant-scoped principal
/// sees and changes only its tenant's devices: another tenant's device is answered as absent (404),
/// so that its existence is not revealed either.
/// </summary>
internal static class AdminDeviceEndpoints
{
    /// <summary>Largest request body accepted: an add request is a few hundred bytes.</summary>
    private const long MaxBodyBytes = 16 * 1024;

    /// <summary>The name of the add operation, whose body the handler reads itself (see <see cref="ReadAddRequestAsync"/>).</summary>
    public const string AddDeviceName = "AddDevice";

    public static void Map(RouteGroupBuilder devices)
    {
        devices.MapPost("/", AddAsync)
            .Produces<DeviceResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .RequireAccess(AdminOperations.AddDevice)
            .WithName(AddDeviceName).WithSummary("Registers a device and returns its secret, once.");
        devices.MapGet("/", ListAsync)
            .RequireAccess(AccessAction.ReadDevices, "devices.list")
            .WithName("ListDevices").WithSummary("Lists every device, ordered by id, without secrets.");
        devices.MapGet("/{id}", ShowAsync)
            .RequireAccess(AccessAction.ReadDevices, "devices.show")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("ShowDevice").WithSummary("Shows one device, without its secret.");
        devices.MapPost("/{id}/disable", (string id, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, IAuditLog audit) =>
                SetEnabledAsync(id, false, context, registry, policy, audit))
            .RequireAccess(AdminOperations.DisableDevice)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DisableDevice").WithSummary("Disables a device: its tokens are refused and its sessions cut.");
        devices.MapPost("/{id}/enable", (string id, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, IAuditLog audit) =>
                SetEnabledAsync(id, true, context, registry, policy, audit))
            .RequireAccess(AdminOperations.EnableDevice)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("EnableDevice").WithSummary("Enables a disabled device.");
        devices.MapPost("/{id}/rotate", RotateAsync)
            .RequireAccess(AdminOperations.RotateDevice)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("RotateDevice").WithSummary("Replaces the device's secret (a new credential generation) and returns it, once.");
        devices.MapDelete("/{id}", DeleteAsync)
            .RequireAccess(AdminOperations.DeleteDevice)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DeleteDevice").WithSummary("Deletes a device.");
    }

    private static async Task<IResult> AddAsync(HttpContext context, IDeviceRegistry registry, AccessPolicy policy, IAuditLog audit) =>
        await AddDeviceAsync(await ReadAddRequestAsync(context.Request).ConfigureAwait(false), context, registry, policy, audit).ConfigureAwait(false);

    /// <summary>Registers the device of <paramref name="body"/> (or answers its problem) for the request's principal: the one code of <c>POST /admin/v1/devices</c>, which the console runs too.</summary>
    internal static async Task<IResult> AddDeviceAsync((AddDeviceRequest? Request, (string Code, string Detail)? Problem) body, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, IAuditLog audit)
    {
        var (request, problem) = body;
        if (problem != null)
        {
            Audit(audit, context, "device.add", request?.Id, null, problem.Value.Code);
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, problem.Value.Code, "Invalid device", problem.Value.Detail);
        }

        var decision = policy.Decide(AuthenticateRequest.Principal(context), AccessAction.ManageDevices, request!.Tenant);
        if (!decision.IsAllowed)
        {
            Audit(audit, context, "device.add", request.Id, request.Tenant, decision.Reason);
            return AccessProblems.Forbidden(decision.Reason);
        }

        // Device ids are one namespace across tenants (an MQTT client id, docs/protocol.md section
        // 2.1), so a taken id is 409 whichever tenant holds it.
        var credential = await registry.AddAsync(request.Id!, request.Tenant!, request.Roles ?? [], context.RequestAborted).ConfigureAwait(false);
        if (credential == null)
        {
            Audit(audit, context, "device.add", request.Id, request.Tenant, AdminProblems.DeviceExists);
            return AdminProblems.Problem(StatusCodes.Status409Conflict, AdminProblems.DeviceExists, "Device exists", $"A device '{request.Id}' is already registered.");
        }

        Audit(audit, context, "device.add", request.Id, request.Tenant, "ok");
        return Results.Created($"/admin/v1/devices/{request.Id}", DeviceResponse.WithSecret(credential));
    }

    private static async Task<IResult> ListAsync(IDeviceRegistry registry, HttpContext context, IAuditLog audit)
    {
        var principal = AuthenticateRequest.Principal(context);
        var devices = await registry.ListAsync(context.RequestAborted).ConfigureAwait(false);
        Audit(audit, context, "device.list", null, principal.Tenant, "ok");
        return Results.Ok(devices.Where(d => principal.Sees(d.Tenant)).Select(DeviceResponse.From).ToList());
    }

    private static async Task<IResult> ShowAsync(string id, IDeviceRegistry registry, HttpContext context, AccessPolicy policy, IAuditLog audit)
    {
        var device = await FindAsync(id, AccessAction.ReadDevices, registry, context, policy).ConfigureAwait(false);
        Audit(audit, context, "device.show", id, device?.Tenant, device == null ? AdminProblems.DeviceNotFound : "ok");
        return device == null ? AdminProblems.NotFound(id) : Results.Ok(DeviceResponse.From(device));
    }

    /// <summary>Enables or disables the device for the request's principal (the console runs it too).</summary>
    internal static async Task<IResult> SetEnabledAsync(string id, bool enabled, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, IAuditLog audit)
    {
        var action = enabled ? "device.enable" : "device.disable";
        var found = await FindAsync(id, AccessAction.ManageDevices, registry, context, policy).ConfigureAwait(false);
        if (found == null || await registry.SetEnabledAsync(id, enabled, context.RequestAborted).ConfigureAwait(false) == RegistryResult.NotFound)
        {
            Audit(audit, context, action, id, found?.Tenant, AdminProblems.DeviceNotFound);
            return AdminProblems.NotFound(id);
        }

        Audit(audit, context, action, id, found.Tenant, "ok");
        var device = await registry.FindAsync(id, context.RequestAborted).ConfigureAwait(false);
        return device == null ? AdminProblems.NotFound(id) : Results.Ok(DeviceResponse.From(device));
    }

    private static async Task<IResult> RotateAsync(string id, IDeviceRegistry registry, HttpContext context, AccessPolicy policy, IAuditLog audit)
    {
        // With {"overTheAir":true} the device and the gateway agree the secret (docs/protocol.md section 12).
        if (context.Request.HasJsonContentType())
        {
            return await AdminRotationEndpoints.StartAsync(id, await AdminRotationEndpoints.ReadAsync<RotateRequest>(context).ConfigureAwait(false), context, registry, policy, audit).ConfigureAwait(false);
        }

        return await RotateSecretAsync(id, context, registry, policy, audit).ConfigureAwait(false);
    }

    /// <summary>Replaces the device's secret by a new one, returned once (rotation by re-provisioning), for the request's principal.</summary>
    internal static async Task<IResult> RotateSecretAsync(string id, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, IAuditLog audit)
    {
        var found = await FindAsync(id, AccessAction.ManageDevices, registry, context, policy).ConfigureAwait(false);
        var credential = found == null ? null : await registry.RotateSecretAsync(id, context.RequestAborted).ConfigureAwait(false);
        Audit(audit, context, "device.rotate", id, found?.Tenant, credential == null ? AdminProblems.DeviceNotFound : "ok");
        return credential == null ? AdminProblems.NotFound(id) : Results.Ok(DeviceResponse.WithSecret(credential));
    }

    /// <summary>Deletes the device for the request's principal (the console runs it too).</summary>
    internal static async Task<IResult> DeleteAsync(string id, IDeviceRegistry registry, HttpContext context, AccessPolicy policy, IAuditLog audit)
    {
        var found = await FindAsync(id, AccessAction.ManageDevices, registry, context, policy).ConfigureAwait(false);
        var result = found == null ? RegistryResult.NotFound : await registry.DeleteAsync(id, context.RequestAborted).ConfigureAwait(false);
        Audit(audit, context, "device.delete", id, found?.Tenant, result == RegistryResult.NotFound ? AdminProblems.DeviceNotFound : "ok");
        return result == RegistryResult.NotFound ? AdminProblems.NotFound(id) : Results.NoContent();
    }

    /// <summary>The device, when it exists and the principal may do <paramref name="action"/> on its tenant; null otherwise (answered 404 alike).</summary>
    internal static async Task<RegisteredDevice?> FindAsync(string id, AccessAction action, IDeviceRegistry registry, HttpContext context, AccessPolicy policy)
    {
        var device = await registry.FindAsync(id, context.RequestAborted).ConfigureAwait(false);
        return device != null && policy.Decide(AuthenticateRequest.Principal(context), action, device.Tenant).IsAllowed ? device : null;
    }

    // The body is read here rather than bound by the framework so that every malformed body gets
    // the same problem shape with a stable code.
    internal static async Task<(AddDeviceRequest? Request, (string Code, string Detail)? Problem)> ReadAddRequestAsync(HttpRequest request)
    {
        var (body, invalid) = await AdminBodies.ReadAsync<AddDeviceRequest>(request, MaxBodyBytes, "{\"id\",\"tenant\",\"roles\"}").ConfigureAwait(false);
        if (body == null)
        {
            return (null, (AdminProblems.InvalidBody, invalid!));
        }

        if (body.Problem() is { } problem)
        {
            return (body, problem);
        }

        return (body, null);
    }

    internal static void Audit(IAuditLog audit, HttpContext context, string action, string? deviceId, string? tenant, string outcome) =>
        audit.Record(new AuditEvent(action, AuthenticateRequest.Actor(context), DeviceNames.IsValidDeviceId(deviceId) ? deviceId : null, outcome,
            context.Connection.RemoteIpAddress?.ToString(), Tenant: DeviceNames.IsValidTenant(tenant) ? tenant : null));
}
