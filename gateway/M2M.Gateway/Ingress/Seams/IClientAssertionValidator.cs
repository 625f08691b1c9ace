namespace M2M.Gateway.Ingress.Seams;

/// <summary>
/// Validates a client assertion exactly as the token endpoint does (docs/protocol.md section 3.2:
/// HS256 under K_auth, <c>iss == sub</c>, <c>aud</c>, lifetime, single-use <c>jti</c> in the same
/// store as the token endpoint). Used for in-band renewal (section 7.2). Implemented by the
/// identity part (issue #4).
/// </summary>
public interface IClientAssertionValidator
{
    /// <summary>
    /// Validates <paramref name="assertion"/>; never throws for a bad assertion. <paramref name="renewalAudience"/>
    /// is one more <c>aud</c> accepted besides the gateway's own: the token endpoint of the trusted
    /// external issuer whose token opened the session being renewed (section 7.2), or null.
    /// </summary>
    ValueTask<CredentialValidation> ValidateClientAssertionAsync(string assertion, string? renewalAudience, CancellationToken cancellationToken);
}
