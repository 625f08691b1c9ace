namespace M2M.Gateway.Relay;

/// <summary>
/// Signs the relay's record batches with the gateway's current ES256 signing key, the one its JWKS
/// publishes (docs/protocol.md section 4), as the gateway's issuer. Implemented over the key ring.
/// </summary>
public interface IRecordSigner
{
    /// <summary>
    /// The gateway's issuer identifier (RFC 8414 section 2), the <c>iss</c> of its tokens and of
    /// every batch it signs; its JWKS verifies the signatures.
    /// </summary>
    string Issuer { get; }

    /// <summary>
    /// Returns a JWS in compact serialization (RFC 7515 section 7.1) over <paramref name="payload"/>,
    /// with the protected header <c>{"alg":"ES256","kid":"...","typ":<paramref name="type"/>}</c>.
    /// </summary>
    string Sign(ReadOnlySpan<byte> payload, string type);
}
