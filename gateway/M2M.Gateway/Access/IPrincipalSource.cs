namespace M2M.Gateway.Access;

/// <summary>The outcome of authenticating a bearer credential: the principal, or the stable reason it is refused.</summary>
/// <param name="Principal">Who, or null.</param>
/// <param name="Reason"><c>ok</c>, or a refusal (<c>invalid_key</c>, <c>expired_key</c>, <c>revoked_key</c>, <c>invalid_token</c>...).</param>
public readonly record struct PrincipalResult(AccessPrincipal? Principal, string Reason)
{
    public static PrincipalResult Refused(string reason) => new(null, reason);

    public static PrincipalResult Ok(AccessPrincipal principal) => new(principal, "ok");
}

/// <summary>
/// One kind of bearer credential the admin and consumer APIs accept (RFC 6750 section 2.1): API
/// keys, the gateway's access tokens. <see cref="AuthenticateRequest"/> asks each registered source in
/// turn; the first that <see cref="Accepts"/> the credential decides.
/// </summary>
public interface IPrincipalSource
{
    /// <summary>True when <paramref name="bearer"/> has this source's shape (a key prefix, a JWT).</summary>
    bool Accepts(string bearer);

    /// <summary>The principal the credential stands for, or why it is refused; never throws for a bad credential.</summary>
    ValueTask<PrincipalResult> AuthenticateAsync(string bearer, CancellationToken cancellationToken);
}

/// <summary>API keys (<see cref="ApiKeyStore"/>).</summary>
internal sealed class ApiKeyPrincipals(ApiKeyStore store) : IPrincipalSource
{
    public bool Accepts(string bearer) => ApiKeyStore.IsKeyShaped(bearer);

    public async ValueTask<PrincipalResult> AuthenticateAsync(string bearer, CancellationToken cancellationToken)
    {
        var result = await store.AuthenticateAsync(bearer, cancellationToken).ConfigureAwait(false);
        return result.Key == null ? PrincipalResult.Refused(result.Reason) : PrincipalResult.Ok(result.Key.Principal());
    }
}
