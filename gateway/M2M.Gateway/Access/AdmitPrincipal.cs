using M2M.Gateway.Audit;
using M2M.Gateway.Policies;

namespace M2M.Gateway.Access;

/// <summary>
/// What a request is about, as the expression policies read it (docs/policies.md, "Variables"):
/// the method and path of the admin or consumer API request, and the <c>{id}</c> and <c>{tenant}</c>
/// of its route. The console's actions are judged as the admin API request that does the same thing.
/// </summary>
/// <param name="Method">The HTTP method (<c>request.method</c>).</param>
/// <param name="Path">The path (<c>request.path</c>).</param>
/// <param name="Id">The route's <c>{id}</c> (a device or key id), if any.</param>
/// <param name="Tenant">The route's <c>{tenant}</c>, if any.</param>
public sealed record AccessTarget(string Method, string Path, string? Id = null, string? Tenant = null)
{
    /// <summary>The target of an HTTP request to the admin or consumer API.</summary>
    public static AccessTarget Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var route = http.Request.RouteValues;
        return new AccessTarget(
            http.Request.Method,
            http.Request.Path.Value ?? string.Empty,
            route.TryGetValue("id", out var id) ? id as string : null,
            route.TryGetValue("tenant", out var tenant) ? tenant as string : null);
    }
}

/// <summary>A refusal of the access gate: the reason code and, for an expression policy's refusal, the policy.</summary>
/// <param name="Reason">The access policy's reason (<c>missing_role</c>, <c>global_scope_required</c>, <c>policy_denied</c>...).</param>
/// <param name="Policy">The expression policy that refused, if one did.</param>
public sealed record AccessRefusal(string Reason, PolicyDecision? Policy = null)
{
    /// <summary>The 403 problem's detail (the admin API's and the console's).</summary>
    public string Detail => Policy?.Policy is { } name
        ? $"Refused by the expression policy '{name}' (docs/policies.md){(Policy.Description is { Length: > 0 } why ? ": " + why : ".")}"
        : AccessProblems.Detail(Reason);
}

/// <summary>
/// The access gate's decision for an authenticated principal (the stage after
/// <see cref="AuthenticateRequest"/>, and the console's gate): the built-in role and shared-resource
/// rules of <see cref="AccessPolicy"/>, then the expression policies (<see cref="JudgeByPolicies"/>),
/// which only refuse what the rules allow. A refusal is audited as <c>access.denied</c> (target the
/// action, or <c>&lt;operation&gt; policy:&lt;name&gt;</c>). One code for the admin API, the consumer
/// API and the console, so that each is refused alike.
/// </summary>
public sealed class AdmitPrincipal(AccessPolicy policy, JudgeByPolicies policies, IAuditLog audit)
{
    /// <summary>Null when <paramref name="principal"/> may do <paramref name="requirement"/> on <paramref name="target"/>, else the refusal (audited).</summary>
    public async ValueTask<AccessRefusal?> AdmitAsync(AccessPrincipal principal, AccessRequirement? requirement, AccessTarget target, string? remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var decision = requirement == null ? new AccessDecision(AuthenticateRequest.NoAccessRule) : policy.Decide(principal, requirement.Action);
        PolicyDecision? refusingPolicy = null;
        if (decision.IsAllowed && await policies.DecideAsync(principal, requirement!.Operation, target, cancellationToken).ConfigureAwait(false) is { Allowed: false } verdict)
        {
            // After the built-in rules (docs/policies.md): a policy only refuses what they allow.
            refusingPolicy = verdict;
            decision = policy.DeniedByPolicy(requirement.Action);
        }

        if (decision.IsAllowed)
        {
            return null;
        }

        audit.Record(new AuditEvent("access.denied", principal.Id, null, decision.Reason, remote,
            refusingPolicy == null ? requirement?.Action.ToString() : $"{requirement!.Operation} policy:{refusingPolicy.Policy}", principal.Tenant));
        return new AccessRefusal(decision.Reason, refusingPolicy);
    }
}
