namespace M2M.Gateway.Relay;

/// <summary>
/// Signs relayed records with the gateway's current ES256 signing key, the one its JWKS publishes
/// (docs/protocol.md section 4). Implemented by the identity part's key ring (issue #4).
/// </summary>
public interface IRecordSigner
{
    /// <summary>
    /// Returns a JWS in compact serialization (RFC 7515 section 7.1) over <paramref name="payload"/>,
    /// with the protected header <c>{"alg":"ES256","kid":"...","typ":<paramref name="type"/>}</c>.
    /// </summary>
    string Sign(ReadOnlySpan<byte> payload, string type);
}
