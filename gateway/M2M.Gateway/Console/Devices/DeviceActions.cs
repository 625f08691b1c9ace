using M2M.Gateway.Access;
using M2M.Gateway.Admin;
using M2M.Gateway.Audit;
using M2M.Gateway.Commands;
using M2M.Gateway.OperatorConsole.SignIn;
using M2M.Gateway.Registry;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.OperatorConsole.Devices;

/// <summary>
/// The device actions of the console, each done by the admin API's own handler (Admin/AdminDeviceEndpoints,
/// AdminCommandEndpoints, AdminRotationEndpoints) through <see cref="ConsoleAccess"/>: admitted as the API
/// request that does the same thing (its role rule and expression policies), then the same tenant
/// scoping (another tenant's device answered as absent, 404), registry calls, audit actions and
/// outcomes, with the session's key id as actor. There is no second implementation of an action here.
/// </summary>
public sealed class DeviceActions(ConsoleAccess access, IDeviceRegistry registry, AccessPolicy policy, IAuditLog audit, CommandService commands, IOptions<CommandOptions> commandOptions)
{
    private const string Devices = "/admin/v1/devices";

    /// <summary>Registers a device (<c>POST /admin/v1/devices</c>); the answer's value is a <see cref="DeviceResponse"/> with the secret, once.</summary>
    public Task<ConsoleOutcome> AddAsync(HttpContext context, string? id, string? tenant, IReadOnlyList<string> roles)
    {
        var request = new AddDeviceRequest(id, tenant, roles);
        return access.RunAsync(context, AdminOperations.AddDevice, new AccessTarget(HttpMethods.Post, Devices), () =>
            AdminDeviceEndpoints.AddDeviceAsync((request, request.Problem()), context, registry, policy, audit));
    }

    /// <summary>Enables or disables a device (<c>POST .../{id}/enable</c>, <c>.../disable</c>).</summary>
    public Task<ConsoleOutcome> SetEnabledAsync(HttpContext context, string id, bool enabled) =>
        access.RunAsync(context, enabled ? AdminOperations.EnableDevice : AdminOperations.DisableDevice, Target(HttpMethods.Post, id, enabled ? "/enable" : "/disable"), () =>
            AdminDeviceEndpoints.SetEnabledAsync(id, enabled, context, registry, policy, audit));

    /// <summary>Replaces a device's secret (<c>POST .../{id}/rotate</c> without a body); the value is a <see cref="DeviceResponse"/> with the new secret, once.</summary>
    public Task<ConsoleOutcome> RotateAsync(HttpContext context, string id) =>
        access.RunAsync(context, AdminOperations.RotateDevice, Target(HttpMethods.Post, id, "/rotate"), () =>
            AdminDeviceEndpoints.RotateSecretAsync(id, context, registry, policy, audit));

    /// <summary>Starts an over-the-air rotation (<c>POST .../{id}/rotate</c> with <c>{"overTheAir":true}</c>); the value is a <see cref="RotationResponse"/>.</summary>
    public Task<ConsoleOutcome> RotateOverTheAirAsync(HttpContext context, string id, long? timeoutSeconds) =>
        access.RunAsync(context, AdminOperations.RotateDevice, Target(HttpMethods.Post, id, "/rotate"), () =>
            AdminRotationEndpoints.StartAsync(id, new RotateRequest(true, timeoutSeconds), context, registry, policy, audit));

    /// <summary>Queues a command (<c>POST .../{id}/commands</c>); the value is a <see cref="CommandResponse"/>.</summary>
    public Task<ConsoleOutcome> QueueCommandAsync(HttpContext context, string id, string name, Dictionary<string, string> arguments) =>
        access.RunAsync(context, AdminOperations.QueueCommand, Target(HttpMethods.Post, id, "/commands"), () =>
            AdminCommandEndpoints.QueueCommandAsync(id, (new QueueCommandRequest(name, arguments, null), null), context, registry, policy, commands, commandOptions.Value, audit));

    /// <summary>Deletes a device (<c>DELETE /admin/v1/devices/{id}</c>).</summary>
    public Task<ConsoleOutcome> DeleteAsync(HttpContext context, string id) =>
        access.RunAsync(context, AdminOperations.DeleteDevice, Target(HttpMethods.Delete, id, string.Empty), () =>
            AdminDeviceEndpoints.DeleteAsync(id, registry, context, policy, audit));

    // The expression policies see the admin API's method and path (docs/policies.md, request.method and request.path).
    private static AccessTarget Target(string method, string id, string suffix) =>
        new(method, $"{Devices}/{Uri.EscapeDataString(id)}{suffix}", id);
}
