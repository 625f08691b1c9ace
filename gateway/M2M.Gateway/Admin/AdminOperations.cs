using M2M.Gateway.Access;

namespace M2M.Gateway.Admin;

/// <summary>
/// The access requirements of the admin API's acting endpoints (their role action and their name for
/// the expression policies, docs/policies.md "Actions"), declared once: the endpoints carry them, and
/// the console asks the access gate for the same ones when it does the same thing.
/// </summary>
public static class AdminOperations
{
    public static readonly AccessRequirement AddDevice = new(AccessAction.ManageDevices, "devices.add");
    public static readonly AccessRequirement DisableDevice = new(AccessAction.ManageDevices, "devices.disable");
    public static readonly AccessRequirement EnableDevice = new(AccessAction.ManageDevices, "devices.enable");
    public static readonly AccessRequirement RotateDevice = new(AccessAction.ManageDevices, "devices.rotate");
    public static readonly AccessRequirement DeleteDevice = new(AccessAction.ManageDevices, "devices.delete");
    public static readonly AccessRequirement QueueCommand = new(AccessAction.ManageDevices, "commands.queue");
    public static readonly AccessRequirement RedeliverDeadLetters = new(AccessAction.ManageSinks, "sinks.redeliver");
}
