using M2M.Gateway.Relay;
using M2M.Gateway.Tokens;

namespace M2M.Gateway.Keys;

/// <summary>
/// The relay's <see cref="IRecordSigner"/>: the key ring's current key signs, as the gateway's
/// issuer, so a consumer verifies a record batch with the same JWKS as the gateway's tokens.
/// </summary>
public sealed class KeyRingRecordSigner(SigningKeyRing ring, GatewayIssuer issuer) : IRecordSigner
{
    public string Issuer => issuer.Issuer;

    public string Sign(ReadOnlySpan<byte> payload, string type) => ring.Sign(payload, type);
}
