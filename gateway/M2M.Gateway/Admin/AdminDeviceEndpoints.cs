using System.Text.Json;
using M2M.Gateway.Audit;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Admin;

/// <summary>
/// The device actions of the admin API (docs/admin-api.md). Each one is audited with the admin
/// key's id as actor and its outcome ("ok" or the problem code).
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
            .WithName(AddDeviceName).WithSummary("Registers a device and returns its secret, once.");
        devices.MapGet("/", ListAsync)
            .WithName("ListDevices").WithSummary("Lists every device, ordered by id, without secrets.");
        devices.MapGet("/{id}", ShowAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("ShowDevice").WithSummary("Shows one device, without its secret.");
        devices.MapPost("/{id}/disable", (string id, HttpContext context, IDeviceRegistry registry, IAuditLog audit) =>
                SetEnabledAsync(id, false, context, registry, audit))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DisableDevice").WithSummary("Disables a device: its tokens are refused and its sessions cut.");
        devices.MapPost("/{id}/enable", (string id, HttpContext context, IDeviceRegistry registry, IAuditLog audit) =>
                SetEnabledAsync(id, true, context, registry, audit))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("EnableDevice").WithSummary("Enables a disabled device.");
        devices.MapPost("/{id}/rotate", RotateAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("RotateDevice").WithSummary("Replaces the device's secret (a new credential generation) and returns it, once.");
        devices.MapDelete("/{id}", DeleteAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DeleteDevice").WithSummary("Deletes a device.");
    }

    private static async Task<IResult> AddAsync(HttpContext context, IDeviceRegistry registry, IAuditLog audit)
    {
        var (request, problem) = await ReadAddRequestAsync(context.Request).ConfigureAwait(false);
        if (problem != null)
        {
            Audit(audit, context, "device.add", request?.Id, problem.Value.Code);
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, problem.Value.Code, "Invalid device", problem.Value.Detail);
        }

        var credential = await registry.AddAsync(request!.Id!, request.Tenant!, request.Roles ?? [], context.RequestAborted).ConfigureAwait(false);
        if (credential == null)
        {
            Audit(audit, context, "device.add", request.Id, AdminProblems.DeviceExists);
            return AdminProblems.Problem(StatusCodes.Status409Conflict, AdminProblems.DeviceExists, "Device exists", $"A device '{request.Id}' is already registered.");
        }

        Audit(audit, context, "device.add", request.Id, "ok");
        return Results.Created($"/admin/v1/devices/{request.Id}", DeviceResponse.WithSecret(credential));
    }

    private static async Task<IResult> ListAsync(IDeviceRegistry registry, HttpContext context, IAuditLog audit)
    {
        var devices = await registry.ListAsync(context.RequestAborted).ConfigureAwait(false);
        Audit(audit, context, "device.list", null, "ok");
        return Results.Ok(devices.Select(DeviceResponse.From).ToList());
    }

    private static async Task<IResult> ShowAsync(string id, IDeviceRegistry registry, HttpContext context, IAuditLog audit)
    {
        var device = await registry.FindAsync(id, context.RequestAborted).ConfigureAwait(false);
        Audit(audit, context, "device.show", id, device == null ? AdminProblems.DeviceNotFound : "ok");
        return device == null ? AdminProblems.NotFound(id) : Results.Ok(DeviceResponse.From(device));
    }

    private static async Task<IResult> SetEnabledAsync(string id, bool enabled, HttpContext context, IDeviceRegistry registry, IAuditLog audit)
    {
        var action = enabled ? "device.enable" : "device.disable";
        if (await registry.SetEnabledAsync(id, enabled, context.RequestAborted).ConfigureAwait(false) == RegistryResult.NotFound)
        {
            Audit(audit, context, action, id, AdminProblems.DeviceNotFound);
            return AdminProblems.NotFound(id);
        }

        Audit(audit, context, action, id, "ok");
        var device = await registry.FindAsync(id, context.RequestAborted).ConfigureAwait(false);
        return device == null ? AdminProblems.NotFound(id) : Results.Ok(DeviceResponse.From(device));
    }

    private static async Task<IResult> RotateAsync(string id, IDeviceRegistry registry, HttpContext context, IAuditLog audit)
    {
        var credential = await registry.RotateSecretAsync(id, context.RequestAborted).ConfigureAwait(false);
        Audit(audit, context, "device.rotate", id, credential == null ? AdminProblems.DeviceNotFound : "ok");
        return credential == null ? AdminProblems.NotFound(id) : Results.Ok(DeviceResponse.WithSecret(credential));
    }

    private static async Task<IResult> DeleteAsync(string id, IDeviceRegistry registry, HttpContext context, IAuditLog audit)
    {
        var result = await registry.DeleteAsync(id, context.RequestAborted).ConfigureAwait(false);
        Audit(audit, context, "device.delete", id, result == RegistryResult.NotFound ? AdminProblems.DeviceNotFound : "ok");
        return result == RegistryResult.NotFound ? AdminProblems.NotFound(id) : Results.NoContent();
    }

    // The body is read here rather than bound by the framework so that every malformed body gets
    // the same problem shape with a stable code.
    private static async Task<(AddDeviceRequest? Request, (string Code, string Detail)? Problem)> ReadAddRequestAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            return (null, (AdminProblems.InvalidBody, "The body must be JSON (Content-Type: application/json)."));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, (AdminProblems.InvalidBody, $"The body is larger than {MaxBodyBytes} bytes."));
        }

        AddDeviceRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<AddDeviceRequest>(request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return (null, (AdminProblems.InvalidBody, "The body is not a JSON object {\"id\",\"tenant\",\"roles\"}."));
        }

        if (body == null)
        {
            return (null, (AdminProblems.InvalidBody, "The body is empty."));
        }

        if (!DeviceNames.IsValidDeviceId(body.Id))
        {
            return (body, (AdminProblems.InvalidDeviceId, "A device id is 3 to 64 characters from a-z, 0-9 and '-' (docs/protocol.md section 2.1)."));
        }

        if (!DeviceNames.IsValidTenant(body.Tenant))
        {
            return (body, (AdminProblems.InvalidTenant, "A tenant is 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-'."));
        }

        if (body.Roles != null && !DeviceNames.AreValidRoles(body.Roles))
        {
            return (body, (AdminProblems.InvalidRoles, $"Roles are at most {DeviceNames.MaxRoles} distinct names of 1 to 64 characters from a-z, A-Z, 0-9, '.', '_', '-' and ':'."));
        }

        return (body, null);
    }

    internal static void Audit(IAuditLog audit, HttpContext context, string action, string? deviceId, string outcome) =>
        audit.Record(new AuditEvent(action, RequireAdminKey.Actor(context), DeviceNames.IsValidDeviceId(deviceId) ? deviceId : null, outcome, context.Connection.RemoteIpAddress?.ToString()));
}
