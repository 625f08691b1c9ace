using M2M.Gateway.Access;
using M2M.Gateway.Tokens.Assertion;
using Microsoft.Extensions.Primitives;

namespace M2M.Gateway.Tokens.Revocation;

/// <summary>
/// Who calls the revocation or introspection endpoint: a principal of the admin API (an API key, with
/// its roles and tenant scope), or a device that authenticated as at the token endpoint.
/// </summary>
/// <param name="Principal">The principal, or null for a device.</param>
/// <param name="DeviceId">The device, or null for a principal.</param>
public sealed record TokenCaller(AccessPrincipal? Principal, string? DeviceId)
{
    /// <summary>The audit log's actor.</summary>
    public string Actor => Principal?.Id ?? "device:" + DeviceId;
}

/// <summary>
/// The authentication stage of the revocation and introspection endpoints (RFC 7009 section 2.1, RFC
/// 7662 section 2.1). Exactly one method per request (RFC 6749 section 2.3):
/// <list type="bullet">
/// <item><c>Authorization: Bearer</c> with a credential of the admin API (<see cref="IPrincipalSource"/>),
/// whose roles must allow <see cref="AccessAction.ManageTokens"/> (<see cref="AccessPolicy"/>); the
/// token's tenant is judged by the endpoint;</item>
/// <item>a client assertion, exactly as at the token endpoint (<see cref="ClientAssertionValidator"/>,
/// docs/protocol.md section 3.2, spent like any other), where the endpoint lets devices in
/// (revocation of their own tokens); elsewhere it is spent and refused.</item>
/// </list>
/// </summary>
public sealed class AuthenticateTokenCaller(IEnumerable<IPrincipalSource> sources, AccessPolicy policy, ClientAssertionValidator assertions, TimeProvider time)
{
    private const string AssertionParameter = "client_assertion";
    private const string AssertionTypeParameter = "client_assertion_type";

    /// <summary>The caller, or the reason it is refused.</summary>
    public async Task<(TokenCaller? Caller, TokenReason? Reason)> RunAsync(HttpRequest request, Dictionary<string, StringValues> form, bool devicesMayCall, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(form);
        var authorization = request.Headers.Authorization.ToString();
        var assertion = ReadOAuthForm.Value(form, AssertionParameter);
        var assertionType = ReadOAuthForm.Value(form, AssertionTypeParameter);
        if (authorization.Length > 0 && (assertion != null || assertionType != null))
        {
            await SpendAsync(form, cancellationToken).ConfigureAwait(false);
            return (null, TokenReason.MultipleClientAuthentication);
        }

        if (authorization.Length > 0)
        {
            return await AuthenticateBearerAsync(authorization, cancellationToken).ConfigureAwait(false);
        }

        if (assertion == null && assertionType == null)
        {
            return (null, TokenReason.NoClientAuthentication);
        }

        if (!devicesMayCall)
        {
            await SpendAsync(form, cancellationToken).ConfigureAwait(false);
            return (null, TokenReason.UnsupportedClientAuthentication);
        }

        if (assertionType != null && !string.Equals(assertionType, ValidateTokenRequest.JwtBearerAssertionType, StringComparison.Ordinal))
        {
            await SpendAsync(form, cancellationToken).ConfigureAwait(false);
            return (null, TokenReason.UnsupportedAssertionType);
        }

        if (assertion == null || assertionType == null)
        {
            return (null, TokenReason.MissingParameter);
        }

        var context = new AssertionContext(assertion, ReadOAuthForm.Value(form, "client_id"), time.GetUtcNow());
        var refused = await assertions.RunAsync(context, cancellationToken).ConfigureAwait(false);
        return refused == null ? (new TokenCaller(null, context.Keys!.Device.DeviceId), null) : (null, refused);
    }

    private async Task<(TokenCaller? Caller, TokenReason? Reason)> AuthenticateBearerAsync(string authorization, CancellationToken cancellationToken)
    {
        // Basic (client_secret_basic) and other schemes are not client authentication methods of these endpoints.
        if (AuthenticateRequest.ReadBearer(authorization) is not { } bearer)
        {
            return (null, TokenReason.UnsupportedClientAuthentication);
        }

        var source = sources.FirstOrDefault(s => s.Accepts(bearer));
        var result = source == null ? PrincipalResult.Refused("invalid_key") : await source.AuthenticateAsync(bearer, cancellationToken).ConfigureAwait(false);
        if (result.Principal is not { } principal)
        {
            return (null, TokenReason.InvalidBearer);
        }

        var decision = policy.Decide(principal, AccessAction.ManageTokens);
        return decision.IsAllowed ? (new TokenCaller(principal, null), null) : (null, TokenReason.Forbidden(decision.Reason));
    }

    /// <summary>
    /// Spends the client assertion of a refused request, as the token endpoint does (docs/tokens.md,
    /// "Single-use assertions"): an assertion the gateway has seen is never usable afterwards.
    /// </summary>
    private async Task SpendAsync(Dictionary<string, StringValues> form, CancellationToken cancellationToken)
    {
        if (ReadOAuthForm.Value(form, AssertionParameter) is { } assertion)
        {
            await assertions.SpendAsync(assertion, cancellationToken).ConfigureAwait(false);
        }
    }
}
