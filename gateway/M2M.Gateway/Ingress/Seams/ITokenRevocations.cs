namespace M2M.Gateway.Ingress.Seams;

/// <summary>
/// The revoked access tokens (RFC 7009; docs/tokens.md, "Revocation and introspection"), by their
/// <c>jti</c>. The access-token validation refuses a revoked token; the session registry ends a live
/// session whose token was revoked (docs/protocol.md section 7.1). Implemented by the token service.
/// </summary>
public interface ITokenRevocations
{
    /// <summary>True when the token with this <c>jti</c> was revoked (and has not expired since).</summary>
    bool IsRevoked(string tokenId);

    /// <summary>Raised after a revocation is durable, with the device id the token was issued to.</summary>
    event EventHandler<string>? TokenRevoked;
}
