namespace M2M.Gateway.Access;

/// <summary>What a request does, as the access policy judges it (docs/admin-api.md, "Roles and tenants").</summary>
public enum AccessAction
{
    /// <summary>Show and list devices.</summary>
    ReadDevices,

    /// <summary>Add, disable, enable, rotate and delete devices.</summary>
    ManageDevices,

    /// <summary>Show the relay's sinks and their dead letters (shared by every tenant: global principals only).</summary>
    ReadSinks,

    /// <summary>Redeliver dead letters (global principals only).</summary>
    ManageSinks,

    /// <summary>Show and list API keys.</summary>
    ReadKeys,

    /// <summary>Create, rotate, expire and revoke API keys.</summary>
    ManageKeys,

    /// <summary>Read the audit log.</summary>
    ReadAudit,

    /// <summary>Read relayed telemetry (the consumer API).</summary>
    ReadTelemetry,

    /// <summary>Show the expression policies and try requests against them (shared by every tenant: global principals only).</summary>
    ReadPolicies,

    /// <summary>Introspect and revoke any access token the gateway issued (RFC 7662, RFC 7009).</summary>
    ManageTokens,
}

/// <summary>
/// The built-in roles and what each may do. A role is held globally (a principal without tenant) or
/// within one tenant (a tenant-scoped principal); <see cref="AccessPolicy"/> adds the tenant rule.
/// </summary>
public static class AccessRoles
{
    /// <summary>Everything (within its tenant when scoped).</summary>
    public const string Admin = "admin";

    /// <summary>Manages devices, revokes and introspects their tokens, redelivers dead letters; reads what a viewer reads.</summary>
    public const string Operator = "operator";

    /// <summary>Reads devices, sinks and the audit log; changes nothing.</summary>
    public const string Viewer = "viewer";

    /// <summary>Reads relayed telemetry through the consumer API, nothing else.</summary>
    public const string TelemetryReader = "telemetry-reader";

    /// <summary>Every built-in role, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<string> All = [Admin, Operator, Viewer, TelemetryReader];

    private static readonly Dictionary<string, AccessAction[]> Grants = new(StringComparer.Ordinal)
    {
        [Admin] = Enum.GetValues<AccessAction>(),
        [Operator] = [AccessAction.ReadDevices, AccessAction.ManageDevices, AccessAction.ReadSinks, AccessAction.ManageSinks, AccessAction.ReadAudit, AccessAction.ReadPolicies, AccessAction.ManageTokens],
        [Viewer] = [AccessAction.ReadDevices, AccessAction.ReadSinks, AccessAction.ReadAudit, AccessAction.ReadPolicies],
        [TelemetryReader] = [AccessAction.ReadTelemetry],
    };

    /// <summary>True for a built-in role.</summary>
    public static bool IsKnown(string role) => Grants.ContainsKey(role);

    /// <summary>True when <paramref name="role"/> allows <paramref name="action"/>.</summary>
    public static bool Allows(string role, AccessAction action) => Grants.TryGetValue(role, out var actions) && actions.Contains(action);
}
