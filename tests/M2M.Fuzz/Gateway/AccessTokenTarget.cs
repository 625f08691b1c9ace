using System.Text;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Keys;
using M2M.Gateway.Validation;

namespace M2M.Fuzz.Gateway;

/// <summary>
/// The MQTT CONNECT password as <see cref="AccessTokenValidator.ValidateAccessTokenAsync"/> judges it
/// (docs/protocol.md section 4): any text, before the gateway knows who sent it. When byte 0 is odd
/// the rest is taken as a claims set and signed with the gateway's own current key first, so the
/// claim checks behind the signature are fuzzed too. Checks that the outcome is a stable label and
/// that a valid token names a device.
/// </summary>
public sealed class AccessTokenTarget : FuzzTarget
{
    private static readonly HashSet<string> ReasonSet =
    [
        "ok", "malformed_token", "unknown_issuer", "unsupported_alg", "issuer_unavailable", "unknown_key", "bad_signature",
        "wrong_audience", "wrong_issuer", "wrong_type", "missing_exp", "invalid_token", "expired", "not_yet_valid",
        "missing_device_id", "missing_iat", "missing_generation", "missing_tenant", "missing_jti", "revoked",
    ];

    private readonly AccessTokenValidator _validator = GatewayParts.Get<AccessTokenValidator>();
    private readonly SigningKeyRing _keys = GatewayParts.Get<SigningKeyRing>();

    public override string Name => "access-token";

    public override string Side => "gateway";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var token = input.Length > 0 && (input[0] & 1) != 0
            ? _keys.Sign(input.AsSpan(1), "at+jwt")
            : Encoding.UTF8.GetString(input.AsSpan(Math.Min(1, input.Length)));
        var result = _validator.ValidateAccessTokenAsync(token, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (result.Status == CredentialStatus.Valid && string.IsNullOrEmpty(result.DeviceId))
        {
            throw new FuzzInvariantException("access-token: a valid token without a device");
        }

        return result.Reason;
    }
}
