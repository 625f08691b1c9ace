namespace M2M.Gateway.Policies;

/// <summary>
/// What an expression policy sees (docs/policies.md, "Variables"), as CEL maps: <c>principal</c> (who
/// asks: a device, an API key or a service), <c>device</c> (the device record concerned, empty when
/// none), <c>request</c> (<c>action</c>, <c>tenant</c>, and per action <c>topic</c>, <c>stream</c>,
/// <c>method</c>, <c>path</c>...), <c>claims</c> (the claims of the token that authenticated the
/// principal, empty for an API key). Values are CEL values: strings, 64-bit integers, doubles,
/// booleans, lists and maps.
/// </summary>
/// <param name="Action">The action, e.g. <c>mqtt.publish</c> or <c>devices.delete</c>.</param>
/// <param name="Principal">Who asks.</param>
/// <param name="Device">The device record concerned, or an empty map.</param>
/// <param name="Request">The request's own facts.</param>
/// <param name="Claims">The authenticating token's claims, or an empty map.</param>
public sealed record PolicyRequest(
    string Action,
    IReadOnlyDictionary<string, object?> Principal,
    IReadOnlyDictionary<string, object?> Device,
    IReadOnlyDictionary<string, object?> Request,
    IReadOnlyDictionary<string, object?> Claims);

/// <summary>One policy's verdict on one request.</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="Decision"><c>allow</c>, <c>deny</c> or <c>error</c> (<see cref="ExpressionPolicies"/>).</param>
public sealed record PolicyVerdict(string Policy, string Decision);

/// <summary>The verdict of the expression policies: allowed, or refused by the policy named.</summary>
/// <param name="Allowed">True when every applicable policy held.</param>
/// <param name="Policy">The first policy that refused (false, or an evaluation error), else null.</param>
/// <param name="Description">That policy's description (its reason, for people), if it has one.</param>
public sealed record PolicyDecision(bool Allowed, string? Policy, string? Description = null)
{
    public static readonly PolicyDecision Allow = new(true, null);
}
