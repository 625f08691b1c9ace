using System.Security.Claims;
using M2M.Gateway.Access;
using M2M.Gateway.Audit;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>Who does a console action, and from where (the audit log's actor and remote address).</summary>
/// <param name="Principal">The session's key, as the access policy judges it.</param>
/// <param name="Remote">The browser's address.</param>
public sealed record ConsoleActor(AccessPrincipal Principal, string? Remote)
{
    /// <summary>The actor of the request <paramref name="context"/> (a console session).</summary>
    public static ConsoleActor Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ConsoleActor(ConsoleSession.Access(context.User), context.Connection.RemoteIpAddress?.ToString());
    }
}

/// <summary>
/// The console behind the admin API's access gate: every console action is decided by
/// <see cref="AccessPolicy"/> for the session's key, with the same roles and tenant rules, the same
/// reason codes, the same <c>access.denied</c> audit line and the same problem as the admin API's
/// <c>AuthenticateRequest</c>. Pages only hide controls with <see cref="Allows"/>; the POST that acts
/// is decided again here, so a forged request is refused as a shown one is.
/// </summary>
public sealed class ConsoleAccess(AccessPolicy policy, IAuditLog audit)
{
    /// <summary>Whether the signed-in <paramref name="user"/> may do <paramref name="action"/> (on <paramref name="tenant"/>'s resource): for showing a control, not counted.</summary>
    public static bool Allows(ClaimsPrincipal user, AccessAction action, string? tenant = null) =>
        AccessPolicy.Judge(ConsoleSession.Access(user), action, tenant) == AccessPolicy.Allowed;

    /// <summary>
    /// The admin API gate's first step for <paramref name="actor"/> and <paramref name="action"/> (role
    /// and shared-resource rules): null when allowed, else the 403 problem, audited as <c>access.denied</c>.
    /// </summary>
    public ConsoleProblem? Refusal(ConsoleActor actor, AccessAction action)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var decision = policy.Decide(actor.Principal, action);
        if (decision.IsAllowed)
        {
            return null;
        }

        audit.Record(new AuditEvent("access.denied", actor.Principal.Id, null, decision.Reason, actor.Remote, action.ToString(), actor.Principal.Tenant));
        return ConsoleProblem.Forbidden(decision.Reason);
    }

    /// <summary>Whether <paramref name="actor"/> may do <paramref name="action"/> on a resource of <paramref name="tenant"/> (the tenant rule; counted).</summary>
    public bool Permits(ConsoleActor actor, AccessAction action, string tenant)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return policy.Decide(actor.Principal, action, tenant).IsAllowed;
    }
}
