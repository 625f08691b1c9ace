using System.Text.Json;
using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Registry;
using M2M.Gateway.Rotation;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Admin;

/// <summary>
/// Over-the-air rotation in the admin API (docs/admin-api.md, "Over-the-air rotation"): start one
/// (<c>POST .../rotate</c> with <c>{"overTheAir":true}</c>), list and show a device's, and set its
/// periodic rotation. Each is audited like the device actions.
/// </summary>
internal static class AdminRotationEndpoints
{
    private const long MaxBodyBytes = 4 * 1024;
    private const int ListLimit = 100;
    private const long MinScheduleSeconds = 60;

    public static void Map(RouteGroupBuilder devices)
    {
        devices.MapGet("/{id}/rotations", ListAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAccess(AccessAction.ReadDevices, "rotations.list")
            .WithName("ListRotations").WithSummary("Lists the device's newest over-the-air rotations (up to 100), newest first.");
        devices.MapGet("/{id}/rotations/{sequence:long}", ShowAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAccess(AccessAction.ReadDevices, "rotations.show")
            .WithName("ShowRotation").WithSummary("Shows one over-the-air rotation.");
        devices.MapGet("/{id}/rotation-schedule", ShowScheduleAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAccess(AccessAction.ReadDevices, "rotation-schedule.show")
            .WithName("ShowRotationSchedule").WithSummary("Shows the device's periodic rotation.");
        devices.MapPut("/{id}/rotation-schedule", SetScheduleAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAccess(AccessAction.ManageDevices, "rotation-schedule.set")
            .WithName("SetRotationSchedule").WithSummary("Sets or clears the device's periodic over-the-air rotation.");
    }

    /// <summary><c>POST /admin/v1/devices/{id}/rotate</c> with a JSON body <paramref name="body"/> (null: unreadable; the route is mapped with the device actions); the console runs it too.</summary>
    internal static async Task<IResult> StartAsync(string id, RotateRequest? body, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, IAuditLog audit)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<RotationOptions>>().Value;
        var device = await AdminDeviceEndpoints.FindAsync(id, AccessAction.ManageDevices, registry, context, policy).ConfigureAwait(false);
        if (device == null)
        {
            AdminDeviceEndpoints.Audit(audit, context, "device.rotate", id, null, AdminProblems.DeviceNotFound);
            return AdminProblems.NotFound(id);
        }

        var maxSeconds = (long)options.MaxTimeout.TotalSeconds;
        if (body is not { OverTheAir: true } || body.TimeoutSeconds is <= 0 || body.TimeoutSeconds > maxSeconds)
        {
            AdminDeviceEndpoints.Audit(audit, context, "device.rotate", id, device.Tenant, AdminProblems.InvalidBody);
            return AdminProblems.Problem(
                StatusCodes.Status400BadRequest,
                AdminProblems.InvalidBody,
                "Invalid rotation",
                $"A JSON body is {{\"overTheAir\":true,\"timeoutSeconds\":1..{maxSeconds}}} (timeoutSeconds optional); send no body to rotate by re-provisioning.");
        }

        var timeout = body.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.DefaultTimeout;
        var (outcome, entry) = await services.GetRequiredService<RotationService>().StartAsync(id, timeout, AuthenticateRequest.Actor(context), context.RequestAborted).ConfigureAwait(false);
        switch (outcome)
        {
            case RotationStart.Started:
                AdminDeviceEndpoints.Audit(audit, context, "device.rotate", id, device.Tenant, "ok");
                return Results.Accepted($"/admin/v1/devices/{id}/rotations/{entry!.Sequence}", RotationResponse.From(entry));
            case RotationStart.InProgress:
                AdminDeviceEndpoints.Audit(audit, context, "device.rotate", id, device.Tenant, AdminProblems.RotationInProgress);
                return AdminProblems.Problem(StatusCodes.Status409Conflict, AdminProblems.RotationInProgress, "Rotation in progress", $"Device '{id}' has rotation {entry!.Sequence} in progress ({entry.State}) until {entry.Deadline:O}.");
            default:
                AdminDeviceEndpoints.Audit(audit, context, "device.rotate", id, device.Tenant, AdminProblems.DeviceNotFound);
                return AdminProblems.NotFound(id);
        }
    }

    private static async Task<IResult> ListAsync(string id, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, RotationStore store, IAuditLog audit)
    {
        var device = await AdminDeviceEndpoints.FindAsync(id, AccessAction.ReadDevices, registry, context, policy).ConfigureAwait(false);
        AdminDeviceEndpoints.Audit(audit, context, "rotation.list", id, device?.Tenant, device == null ? AdminProblems.DeviceNotFound : "ok");
        return device == null
            ? AdminProblems.NotFound(id)
            : Results.Ok((await store.ListAsync(id, ListLimit, context.RequestAborted).ConfigureAwait(false)).Select(RotationResponse.From).ToList());
    }

    private static async Task<IResult> ShowAsync(string id, long sequence, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, RotationStore store, IAuditLog audit)
    {
        var device = await AdminDeviceEndpoints.FindAsync(id, AccessAction.ReadDevices, registry, context, policy).ConfigureAwait(false);
        if (device == null)
        {
            AdminDeviceEndpoints.Audit(audit, context, "rotation.show", id, null, AdminProblems.DeviceNotFound);
            return AdminProblems.NotFound(id);
        }

        var entry = await store.FindAsync(id, sequence, context.RequestAborted).ConfigureAwait(false);
        AdminDeviceEndpoints.Audit(audit, context, "rotation.show", id, device.Tenant, entry == null ? AdminProblems.RotationNotFound : "ok");
        return entry == null
            ? AdminProblems.Problem(StatusCodes.Status404NotFound, AdminProblems.RotationNotFound, "Rotation not found", $"Device '{id}' has no rotation {sequence}.")
            : Results.Ok(RotationResponse.From(entry));
    }

    private static async Task<IResult> ShowScheduleAsync(string id, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, RotationStore store, IAuditLog audit)
    {
        var device = await AdminDeviceEndpoints.FindAsync(id, AccessAction.ReadDevices, registry, context, policy).ConfigureAwait(false);
        AdminDeviceEndpoints.Audit(audit, context, "rotation.schedule.show", id, device?.Tenant, device == null ? AdminProblems.DeviceNotFound : "ok");
        return device == null
            ? AdminProblems.NotFound(id)
            : Results.Ok(new RotationScheduleResponse(id, await store.ReadScheduleAsync(id, context.RequestAborted).ConfigureAwait(false)));
    }

    private static async Task<IResult> SetScheduleAsync(string id, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, RotationStore store, IAuditLog audit)
    {
        var device = await AdminDeviceEndpoints.FindAsync(id, AccessAction.ManageDevices, registry, context, policy).ConfigureAwait(false);
        if (device == null)
        {
            AdminDeviceEndpoints.Audit(audit, context, "rotation.schedule", id, null, AdminProblems.DeviceNotFound);
            return AdminProblems.NotFound(id);
        }

        var body = context.Request.HasJsonContentType() ? await ReadAsync<RotationScheduleRequest>(context).ConfigureAwait(false) : null;
        if (body == null || body.EverySeconds is < MinScheduleSeconds)
        {
            AdminDeviceEndpoints.Audit(audit, context, "rotation.schedule", id, device.Tenant, AdminProblems.InvalidBody);
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, AdminProblems.InvalidBody, "Invalid schedule", $"The body is {{\"everySeconds\":N}} with N at least {MinScheduleSeconds}, or {{\"everySeconds\":null}} to stop.");
        }

        var found = await store.SetScheduleAsync(id, body.EverySeconds, context.RequestAborted).ConfigureAwait(false);
        AdminDeviceEndpoints.Audit(audit, context, "rotation.schedule", id, device.Tenant, found ? "ok" : AdminProblems.DeviceNotFound);
        return found ? Results.Ok(new RotationScheduleResponse(id, body.EverySeconds)) : AdminProblems.NotFound(id);
    }

    internal static async Task<T?> ReadAsync<T>(HttpContext context)
        where T : class
    {
        if (!context.Request.HasJsonContentType() || context.Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        try
        {
            return await context.Request.ReadFromJsonAsync<T>(context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
