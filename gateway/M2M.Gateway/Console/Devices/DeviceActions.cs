using M2M.Gateway.Access;
using M2M.Gateway.Admin;
using M2M.Gateway.Audit;
using M2M.Gateway.OperatorConsole.SignIn;
using M2M.Gateway.Registry;

namespace M2M.Gateway.OperatorConsole.Devices;

/// <summary>
/// The device actions of the console, done as the admin API does them (Admin/AdminDeviceEndpoints):
/// the access gate first (<see cref="ConsoleAccess"/>: a key whose roles may not manage devices gets
/// 403 <c>missing_role</c>), then another tenant's device answered as absent (404), the same registry
/// calls, the same audit actions and outcomes ("ok" or the admin API's problem code) with the
/// session's key id as actor and the device's tenant. The registry's change event then ends the
/// device's sessions exactly as after an API call.
/// </summary>
public sealed class DeviceActions(IDeviceRegistry registry, ConsoleAccess access, IAuditLog audit)
{
    /// <summary>Registers a device; the credential (with its secret, once) or the problem.</summary>
    public async Task<(DeviceCredential? Credential, ConsoleProblem? Problem)> AddAsync(ConsoleActor actor, string? id, string? tenant, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(roles);
        if (access.Refusal(actor, AccessAction.ManageDevices) is { } refused)
        {
            return (null, refused);
        }

        if (new AddDeviceRequest(id, tenant, roles).Problem() is var (code, detail))
        {
            Record("device.add", actor, id, null, code);
            return (null, new ConsoleProblem(StatusCodes.Status400BadRequest, code, "Invalid device", detail));
        }

        if (!access.Permits(actor, AccessAction.ManageDevices, tenant!))
        {
            Record("device.add", actor, id, tenant, AccessPolicy.OtherTenant);
            return (null, ConsoleProblem.Forbidden(AccessPolicy.OtherTenant));
        }

        var credential = await registry.AddAsync(id!, tenant!, roles, cancellationToken).ConfigureAwait(false);
        if (credential == null)
        {
            Record("device.add", actor, id, tenant, AdminProblems.DeviceExists);
            return (null, new ConsoleProblem(StatusCodes.Status409Conflict, AdminProblems.DeviceExists, "Device exists", $"A device '{id}' is already registered."));
        }

        Record("device.add", actor, id, tenant, "ok");
        return (credential, null);
    }

    /// <summary>Enables or disables a device; null when done, else the problem.</summary>
    public Task<ConsoleProblem?> SetEnabledAsync(ConsoleActor actor, string id, bool enabled, CancellationToken cancellationToken) =>
        ChangeAsync(actor, id, enabled ? "device.enable" : "device.disable", async () => await registry.SetEnabledAsync(id, enabled, cancellationToken).ConfigureAwait(false) == RegistryResult.Ok, cancellationToken);

    /// <summary>Rotates a device's secret; the new credential (its secret shown once) or the problem.</summary>
    public async Task<(DeviceCredential? Credential, ConsoleProblem? Problem)> RotateAsync(ConsoleActor actor, string id, CancellationToken cancellationToken)
    {
        DeviceCredential? credential = null;
        var problem = await ChangeAsync(
            actor,
            id,
            "device.rotate",
            async () => (credential = await registry.RotateSecretAsync(id, cancellationToken).ConfigureAwait(false)) != null,
            cancellationToken).ConfigureAwait(false);
        return (credential, problem);
    }

    /// <summary>Deletes a device; null when done, else the problem.</summary>
    public Task<ConsoleProblem?> DeleteAsync(ConsoleActor actor, string id, CancellationToken cancellationToken) =>
        ChangeAsync(actor, id, "device.delete", async () => await registry.DeleteAsync(id, cancellationToken).ConfigureAwait(false) == RegistryResult.Ok, cancellationToken);

    /// <summary>The gate, then the device within the actor's tenant, then <paramref name="change"/> (false: the device vanished meanwhile).</summary>
    private async Task<ConsoleProblem?> ChangeAsync(ConsoleActor actor, string id, string action, Func<Task<bool>> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (access.Refusal(actor, AccessAction.ManageDevices) is { } refused)
        {
            return refused;
        }

        var device = DeviceNames.IsValidDeviceId(id) ? await registry.FindAsync(id, cancellationToken).ConfigureAwait(false) : null;
        var found = device != null && access.Permits(actor, AccessAction.ManageDevices, device.Tenant) && await change().ConfigureAwait(false);
        Record(action, actor, id, found ? device!.Tenant : null, found ? "ok" : AdminProblems.DeviceNotFound);
        return found ? null : ConsoleProblem.DeviceNotFound(id);
    }

    private void Record(string action, ConsoleActor actor, string? id, string? tenant, string outcome) =>
        audit.Record(new AuditEvent(action, actor.Principal.Id, DeviceNames.IsValidDeviceId(id) ? id : null, outcome, actor.Remote,
            Tenant: DeviceNames.IsValidTenant(tenant) ? tenant : null));
}
