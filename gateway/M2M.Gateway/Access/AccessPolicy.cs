using M2M.Gateway.Metrics;

namespace M2M.Gateway.Access;

/// <summary>The answer of <see cref="AccessPolicy"/>: allowed, or refused with a stable reason (a metric label, a problem code).</summary>
/// <param name="Reason"><see cref="AccessPolicy.Allowed"/> or one of the refusal reasons.</param>
public readonly record struct AccessDecision(string Reason)
{
    public bool IsAllowed => Reason == AccessPolicy.Allowed;
}

/// <summary>
/// The one place that decides whether a principal may do an action on a tenant's resource
/// (docs/admin-api.md, "Roles and tenants"): a role that allows the action, then the tenant rule (a
/// tenant-scoped principal acts only within its tenant, and never on what every tenant shares).
/// Every decision is counted by action and reason.
/// </summary>
public sealed class AccessPolicy(GatewayMetrics metrics)
{
    /// <summary>Allowed.</summary>
    public const string Allowed = "ok";

    /// <summary>None of the principal's roles allows the action.</summary>
    public const string MissingRole = "missing_role";

    /// <summary>The action concerns what every tenant shares (the relay's sinks), and the principal is tenant-scoped.</summary>
    public const string GlobalScopeRequired = "global_scope_required";

    /// <summary>The resource belongs to another tenant than the principal's.</summary>
    public const string OtherTenant = "other_tenant";

    /// <summary>An expression policy refused what the built-in rules allow (docs/policies.md).</summary>
    public const string PolicyDenied = "policy_denied";

    /// <summary>Actions on resources shared by every tenant.</summary>
    private static readonly HashSet<AccessAction> Shared = [AccessAction.ReadSinks, AccessAction.ManageSinks, AccessAction.ReadPolicies];

    /// <summary>
    /// May <paramref name="principal"/> do <paramref name="action"/> on a resource of
    /// <paramref name="tenant"/>? Without a tenant (a list, a creation not decided yet), only the role
    /// and the shared-resource rule are judged; the caller then confines the answer with
    /// <see cref="AccessPrincipal.Sees"/>.
    /// </summary>
    public AccessDecision Decide(AccessPrincipal principal, AccessAction action, string? tenant = null) => Count(action, Judge(principal, action, tenant));

    /// <summary>
    /// What <see cref="Decide"/> would answer, without counting it: for a page that only shows or
    /// hides a control (the console), where the request that acts is decided and counted itself.
    /// </summary>
    public static string Judge(AccessPrincipal principal, AccessAction action, string? tenant = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return !principal.Roles.Any(r => AccessRoles.Allows(r, action)) ? MissingRole
            : !principal.IsGlobal && Shared.Contains(action) ? GlobalScopeRequired
            : tenant != null && !principal.Sees(tenant) ? OtherTenant
            : Allowed;
    }

    /// <summary>
    /// May <paramref name="principal"/> create or change a key confined to <paramref name="tenant"/>
    /// (null: a global key)? A tenant-scoped principal manages only keys of its own tenant, so no key
    /// can mint one with a wider scope than its own.
    /// </summary>
    public AccessDecision MayManageKey(AccessPrincipal principal, string? tenant)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return !principal.IsGlobal && tenant == null ? Count(AccessAction.ManageKeys, OtherTenant) : Decide(principal, AccessAction.ManageKeys, tenant);
    }

    /// <summary>Records that an expression policy refused <paramref name="action"/> after the built-in rules allowed it.</summary>
    public AccessDecision DeniedByPolicy(AccessAction action) => Count(action, PolicyDenied);

    private AccessDecision Count(AccessAction action, string reason)
    {
        metrics.AccessDecision(action.ToString(), reason);
        return new AccessDecision(reason);
    }
}
