using M2M.Gateway.Admin;
using M2M.Gateway.Audit;
using M2M.Gateway.Registry;

namespace M2M.Gateway.OperatorConsole.Devices;

/// <summary>
/// The device actions of the console, done as the admin API does them (Admin/AdminDeviceEndpoints):
/// the same registry calls, the same audit actions and outcomes ("ok" or the admin API's problem
/// code), with the signed-in admin key's id as actor. The registry's change event then ends the
/// device's sessions exactly as after an API call.
/// </summary>
public sealed class DeviceActions(IDeviceRegistry registry, IAuditLog audit)
{
    /// <summary>Registers a device; the credential (with its secret, once) or the problem.</summary>
    public async Task<(DeviceCredential? Credential, ConsoleProblem? Problem)> AddAsync(string actor, string? remote, string? id, string? tenant, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (new AddDeviceRequest(id, tenant, roles).Problem() is var (code, detail))
        {
            Record("device.add", actor, remote, id, code);
            return (null, new ConsoleProblem(StatusCodes.Status400BadRequest, code, "Invalid device", detail));
        }

        var credential = await registry.AddAsync(id!, tenant!, roles, cancellationToken).ConfigureAwait(false);
        if (credential == null)
        {
            Record("device.add", actor, remote, id, AdminProblems.DeviceExists);
            return (null, new ConsoleProblem(StatusCodes.Status409Conflict, AdminProblems.DeviceExists, "Device exists", $"A device '{id}' is already registered."));
        }

        Record("device.add", actor, remote, id, "ok");
        return (credential, null);
    }

    /// <summary>Enables or disables a device; null when done, else the problem.</summary>
    public async Task<ConsoleProblem?> SetEnabledAsync(string actor, string? remote, string id, bool enabled, CancellationToken cancellationToken)
    {
        var result = await registry.SetEnabledAsync(id, enabled, cancellationToken).ConfigureAwait(false);
        return Outcome(enabled ? "device.enable" : "device.disable", actor, remote, id, result == RegistryResult.Ok);
    }

    /// <summary>Rotates a device's secret; the new credential (its secret shown once) or the problem.</summary>
    public async Task<(DeviceCredential? Credential, ConsoleProblem? Problem)> RotateAsync(string actor, string? remote, string id, CancellationToken cancellationToken)
    {
        var credential = await registry.RotateSecretAsync(id, cancellationToken).ConfigureAwait(false);
        return (credential, Outcome("device.rotate", actor, remote, id, credential != null));
    }

    /// <summary>Deletes a device; null when done, else the problem.</summary>
    public async Task<ConsoleProblem?> DeleteAsync(string actor, string? remote, string id, CancellationToken cancellationToken)
    {
        var result = await registry.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        return Outcome("device.delete", actor, remote, id, result == RegistryResult.Ok);
    }

    private ConsoleProblem? Outcome(string action, string actor, string? remote, string id, bool found)
    {
        Record(action, actor, remote, id, found ? "ok" : AdminProblems.DeviceNotFound);
        return found ? null : ConsoleProblem.DeviceNotFound(id);
    }

    private void Record(string action, string actor, string? remote, string? id, string outcome) =>
        audit.Record(new AuditEvent(action, actor, DeviceNames.IsValidDeviceId(id) ? id : null, outcome, remote));
}
