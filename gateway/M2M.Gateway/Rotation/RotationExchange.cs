using System.Security.Cryptography;
using System.Text;
using M2M.Gateway.Commands;
using M2M.Gateway.Registry;
using Org.BouncyCastle.Crypto.Parameters;

namespace M2M.Gateway.Rotation;

/// <summary>Why a device's answer to <c>rotate-secret</c> did not give a new secret (a stable code: audit line and metric label).</summary>
public enum ProofFailure
{
    None,

    /// <summary>The detail lacks <c>device_key</c> or <c>proof</c>, or they are not 32 bytes of base64url.</summary>
    MalformedAnswer,

    /// <summary>The device's public key gives the all-zero shared secret (RFC 7748 section 6.1).</summary>
    LowOrderKey,

    /// <summary>P does not verify under K_proof of the S' the gateway derives.</summary>
    BadProof,
}

/// <summary>
/// The gateway's half of the over-the-air rotation's cryptography (docs/protocol.md sections 12.1 to
/// 12.3): its ephemeral X25519 key pair (RFC 7748, through BouncyCastle: .NET has no X25519), the
/// transcript T, S' = HKDF-SHA256(IKM = Z, salt = S, info = T) and the proof check. The device side is
/// firmware/M2M.Device.Core/Crypto/SecretExchange.cs; the vectors of section 10 hold both to the same bytes.
/// </summary>
public static class RotationExchange
{
    /// <summary>Field 1 of the transcript.</summary>
    public const string TranscriptLabel = "m2m/v1/rotate";

    /// <summary>HKDF info of K_proof.</summary>
    public const string ProofKeyInfo = "m2m/v1/rotate-proof";

    /// <summary>Length of X25519 keys and of the shared secret.</summary>
    public const int KeyLength = 32;

    /// <summary>A fresh ephemeral key pair: the private key (the caller erases it) and its public key.</summary>
    public static (byte[] PrivateKey, byte[] PublicKey) NewKeyPair()
    {
        var privateKey = RandomNumberGenerator.GetBytes(KeyLength);
        return (privateKey, PublicKey(privateKey));
    }

    /// <summary>X25519(k, 9) (RFC 7748 section 6.1).</summary>
    public static byte[] PublicKey(byte[] privateKey) => new X25519PrivateKeyParameters(privateKey).GeneratePublicKey().GetEncoded();

    /// <summary>T of section 12.3.</summary>
    public static byte[] Transcript(string deviceId, long sequence, byte[] gatewayPublicKey, byte[] devicePublicKey) =>
        CommandWire.EncodeFields(Encoding.ASCII.GetBytes(TranscriptLabel), Encoding.UTF8.GetBytes(deviceId), CommandWire.BigEndian32((uint)sequence), gatewayPublicKey, devicePublicKey);

    /// <summary>P = HMAC-SHA256(K_proof, T), K_proof = HKDF-SHA256(S', empty salt, "m2m/v1/rotate-proof").</summary>
    public static byte[] Proof(ReadOnlySpan<byte> newSecret, byte[] transcript)
    {
        Span<byte> proofKey = stackalloc byte[KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, newSecret, proofKey, salt: [], Encoding.ASCII.GetBytes(ProofKeyInfo));
        var proof = HMACSHA256.HashData(proofKey, transcript);
        CryptographicOperations.ZeroMemory(proofKey);
        return proof;
    }

    /// <summary>
    /// Reads the device's answer (<c>device_key</c>, <c>proof</c>), derives S' and checks the proof in
    /// constant time. Returns S' (the caller erases it), or null with the reason.
    /// </summary>
    public static byte[]? Verify(string deviceId, long sequence, ReadOnlySpan<byte> secret, byte[] gatewayPrivateKey, string detail, out ProofFailure failure)
    {
        var answer = CommandArgumentText.Parse(detail);
        var devicePublic = Decode(answer.GetValueOrDefault("device_key"));
        var proof = Decode(answer.GetValueOrDefault("proof"));
        if (devicePublic == null || proof == null || answer.Count != 2)
        {
            failure = ProofFailure.MalformedAnswer;
            return null;
        }

        var shared = new byte[KeyLength];
        try
        {
            new X25519PrivateKeyParameters(gatewayPrivateKey).GenerateSecret(new X25519PublicKeyParameters(devicePublic), shared, 0);
        }
        catch (InvalidOperationException)
        {
            // BouncyCastle refuses an all-zero shared secret (RFC 7748 section 6.1).
            failure = ProofFailure.LowOrderKey;
            return null;
        }

        var transcript = Transcript(deviceId, sequence, PublicKey(gatewayPrivateKey), devicePublic);
        var newSecret = new byte[DeviceKeyDerivation.KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, newSecret, secret, transcript);
        CryptographicOperations.ZeroMemory(shared);
        if (!CryptographicOperations.FixedTimeEquals(Proof(newSecret, transcript), proof))
        {
            CryptographicOperations.ZeroMemory(newSecret);
            failure = ProofFailure.BadProof;
            return null;
        }

        failure = ProofFailure.None;
        return newSecret;
    }

    private static byte[]? Decode(string? base64Url)
    {
        if (base64Url is not { Length: 43 })
        {
            return null;
        }

        try
        {
            var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(base64Url);
            return bytes.Length == KeyLength ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
