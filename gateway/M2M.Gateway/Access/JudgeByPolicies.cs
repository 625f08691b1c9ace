using M2M.Gateway.Policies;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Access;

/// <summary>
/// The expression policies (docs/policies.md) on the admin and consumer APIs, judged by
/// <see cref="AuthenticateRequest"/> once the built-in rules of <see cref="AccessPolicy"/> allowed the
/// request (and by the console's actions, judged as the admin API request that does the same,
/// <see cref="AccessTarget"/>). The target is read from the route: the device of <c>/devices/{id}</c>, the key of
/// <c>/keys/{id}</c>, the service client of <c>/clients/{id}</c>, the tenant of <c>/tenants/{tenant}</c>. A target that is absent or outside the
/// principal's tenant is left to the handler, whose built-in tenant rule answers it (404 or 403) as
/// without policies: a policy never reveals another tenant's device by a 403.
/// </summary>
public sealed class JudgeByPolicies(ExpressionPolicies policies, IDeviceRegistry registry, ApiKeyStore keys, ServiceClientStore clients)
{
    public async ValueTask<PolicyDecision> DecideAsync(AccessPrincipal principal, string operation, AccessTarget target, CancellationToken cancellationToken)
    {
        if (!policies.AnyFor(operation))
        {
            return PolicyDecision.Allow;
        }

        var resolved = await ResolveAsync(target, principal, operation, cancellationToken).ConfigureAwait(false);
        if (resolved == null)
        {
            return PolicyDecision.Allow;
        }

        var request = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["action"] = operation,
            ["method"] = target.Method,
            ["path"] = target.Path,
            ["tenant"] = resolved.Value.Tenant ?? string.Empty,
            ["device"] = resolved.Value.Device.TryGetValue("id", out var device) ? device : string.Empty,
            ["key"] = resolved.Value.Key ?? string.Empty,
        };
        return policies.Decide(new PolicyRequest(operation, Variables(principal), resolved.Value.Device, request, principal.Claims ?? Empty));
    }

    /// <summary>The principal as the <c>principal</c> variable: <c>kind</c>, <c>id</c>, <c>tenant</c> ("" when global), <c>roles</c>.</summary>
    public static Dictionary<string, object?> Variables(AccessPrincipal principal) => new(StringComparer.Ordinal)
    {
        ["kind"] = principal.Kind,
        ["id"] = principal.Id,
        ["tenant"] = principal.Tenant ?? string.Empty,
        ["roles"] = principal.Roles.Cast<object?>().ToList(),
    };

    private static readonly Dictionary<string, object?> Empty = new(StringComparer.Ordinal);

    private async ValueTask<(string? Tenant, IReadOnlyDictionary<string, object?> Device, string? Key)?> ResolveAsync(AccessTarget target, AccessPrincipal principal, string operation, CancellationToken cancellationToken)
    {
        if (target.Tenant is { } tenant)
        {
            return principal.Sees(tenant) ? (tenant, Empty, null) : null;
        }

        if (target.Id is { } id)
        {
            HashedCredentialStore? store = operation.StartsWith("keys.", StringComparison.Ordinal) ? keys
                : operation.StartsWith("clients.", StringComparison.Ordinal) ? clients : null;
            if (store != null)
            {
                var key = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
                return key != null && (principal.IsGlobal || key.Tenant != null) && principal.Sees(key.Tenant) ? (key.Tenant, Empty, key.Id) : null;
            }

            var found = await registry.FindAsync(id, cancellationToken).ConfigureAwait(false);
            return found != null && principal.Sees(found.Tenant) ? (found.Tenant, DeviceVariables(found), null) : null;
        }

        // Lists, creations and what every tenant shares: the principal's own scope.
        return (principal.Tenant, Empty, null);
    }

    /// <summary>A device record as the <c>device</c> variable: <c>id</c>, <c>tenant</c>, <c>roles</c>, <c>enabled</c>.</summary>
    public static Dictionary<string, object?> DeviceVariables(RegisteredDevice device) => new(StringComparer.Ordinal)
    {
        ["id"] = device.DeviceId,
        ["tenant"] = device.Tenant,
        ["roles"] = device.Roles.Cast<object?>().ToList(),
        ["enabled"] = device.Enabled,
    };
}
