using M2M.Gateway.Ingress.Seams;

namespace M2M.Gateway.Access;

/// <summary>
/// Access tokens as credentials of the admin and consumer APIs (docs/admin-api.md, "Roles and
/// tenants"): the token is validated as at CONNECT (the gateway's own, a service client's, or a
/// trusted issuer's, <see cref="IAccessTokenValidator"/>) and bound to what it was issued for
/// (<see cref="BindAccessToken"/>): a disabled, deleted or rotated device's tokens, a revoked or
/// rotated service client's, are refused.
/// </summary>
internal sealed class AccessTokenPrincipals(IAccessTokenValidator validator, BindAccessToken bind) : IPrincipalSource
{
    // A JWS compact serialization (RFC 7515 section 7.1): three base64url parts, the header a JSON object.
    public bool Accepts(string bearer) => bearer.StartsWith("eyJ", StringComparison.Ordinal) && bearer.Count(c => c == '.') == 2;

    public async ValueTask<PrincipalResult> AuthenticateAsync(string bearer, CancellationToken cancellationToken)
    {
        var token = await validator.ValidateBearerAsync(bearer, cancellationToken).ConfigureAwait(false);
        return token.Succeeded ? await bind.RunAsync(token, cancellationToken).ConfigureAwait(false) : PrincipalResult.Refused(token.Reason);
    }
}
