using System.Security.Cryptography;
using System.Text;
using M2M.Device.Core.Protocol;

namespace M2M.Gateway.Credentials;

/// <summary>
/// The keys derived from a device secret S (docs/protocol.md section 2.2): HKDF-SHA256 (RFC 5869)
/// with an empty salt and the protocol's info labels. The one place the gateway derives them.
/// </summary>
public static class DeviceKeys
{
    private static readonly byte[] AuthInfo = Encoding.ASCII.GetBytes(ProtocolV1.AuthKeyInfo);
    private static readonly byte[] MessageInfo = Encoding.ASCII.GetBytes(ProtocolV1.MessageKeyInfo);

    /// <summary>K_auth: the HS256 key of the device's client assertions (section 3.2).</summary>
    public static byte[] AuthKey(ReadOnlySpan<byte> secret) => Derive(secret, AuthInfo);

    /// <summary>K_msg: the HMAC-SHA256 key of the device's telemetry signatures (section 6).</summary>
    public static byte[] MessageKey(ReadOnlySpan<byte> secret) => Derive(secret, MessageInfo);

    private static byte[] Derive(ReadOnlySpan<byte> secret, byte[] info)
    {
        var key = new byte[ProtocolV1.KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, [], info);
        return key;
    }
}
