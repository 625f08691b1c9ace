namespace M2M.Gateway.Ingress.Seams;

/// <summary>
/// Validates an access token as docs/protocol.md section 5.1 requires: signature (own key ring or a
/// trusted external issuer's JWKS), <c>iss</c>, <c>aud</c>, <c>exp</c>/<c>nbf</c> with the clock
/// skew. Implemented by the identity part (issue #4); the ingress checks <c>sub</c> against the
/// MQTT client identifier and asks <see cref="IDeviceDirectory"/> whether the device is enabled.
/// </summary>
public interface IAccessTokenValidator
{
    /// <summary>Validates <paramref name="token"/> as a device's; never throws for a bad token. A service client's token is refused (<c>service_token</c>).</summary>
    ValueTask<CredentialValidation> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken);

    /// <summary>
    /// Validates <paramref name="token"/> as a bearer credential of the gateway's HTTP APIs: a device's
    /// token, or a service client's (<see cref="CredentialValidation.ServiceClientId"/>).
    /// </summary>
    ValueTask<CredentialValidation> ValidateBearerAsync(string token, CancellationToken cancellationToken) => ValidateAccessTokenAsync(token, cancellationToken);

    /// <summary>
    /// The <c>aud</c> an in-band renewal assertion may name for a session opened with a token of the
    /// trusted external issuer <paramref name="issuer"/> (docs/protocol.md section 7.2): that issuer's
    /// token endpoint; null when renewal by assertion is not allowed for it.
    /// </summary>
    ValueTask<string?> RenewalAudienceAsync(string issuer, CancellationToken cancellationToken);
}
