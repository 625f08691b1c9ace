using System.Security.Cryptography;
using System.Text;

namespace M2M.Gateway.Registry;

/// <summary>
/// The gateway's one place for deriving a device's working keys from its secret S
/// (docs/protocol.md section 2.2): HKDF-SHA256 (RFC 5869), empty salt, 32-byte output. The token
/// service uses K_auth to verify client assertions, the ingress K_msg to verify telemetry. The info
/// strings are those of firmware/M2M.Device.Core/Protocol/ProtocolV1.cs; the gateway keeps its own
/// copy (it does not depend on the device code) and the test vectors of section 10 hold both sides
/// to the same values.
/// </summary>
public static class DeviceKeyDerivation
{
    /// <summary>HKDF info of K_auth.</summary>
    public const string AuthKeyInfo = "m2m/v1/auth";

    /// <summary>HKDF info of K_msg.</summary>
    public const string MessageKeyInfo = "m2m/v1/msg";

    /// <summary>HKDF info of K_cmd (docs/protocol.md section 11.1).</summary>
    public const string CommandKeyInfo = "m2m/v1/cmd";

    /// <summary>Length of S and of each derived key.</summary>
    public const int KeyLength = 32;

    private static readonly byte[] AuthInfo = Encoding.ASCII.GetBytes(AuthKeyInfo);
    private static readonly byte[] MessageInfo = Encoding.ASCII.GetBytes(MessageKeyInfo);
    private static readonly byte[] CommandInfo = Encoding.ASCII.GetBytes(CommandKeyInfo);

    /// <summary>K_auth = HKDF-SHA256(S, empty salt, "m2m/v1/auth"): the HS256 key of client assertions (section 3.2).</summary>
    public static byte[] DeriveAuthKey(ReadOnlySpan<byte> secret) => Derive(secret, AuthInfo);

    /// <summary>K_msg = HKDF-SHA256(S, empty salt, "m2m/v1/msg"): the HMAC key of telemetry signatures (section 6).</summary>
    public static byte[] DeriveMessageKey(ReadOnlySpan<byte> secret) => Derive(secret, MessageInfo);

    /// <summary>K_cmd = HKDF-SHA256(S, empty salt, "m2m/v1/cmd"): the HMAC key of commands and their results (section 11).</summary>
    public static byte[] DeriveCommandKey(ReadOnlySpan<byte> secret) => Derive(secret, CommandInfo);

    private static byte[] Derive(ReadOnlySpan<byte> secret, byte[] info)
    {
        if (secret.Length != KeyLength)
        {
            throw new ArgumentException("A device secret is 32 bytes (docs/protocol.md section 2.1).", nameof(secret));
        }

        var key = new byte[KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, salt: [], info);
        return key;
    }
}
