using System.Text.Json;
using M2M.Gateway.Commands;
using M2M.Gateway.Registry;
using M2M.Gateway.Rotation;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// The gateway computes the rotation vectors of docs/protocol.md section 10 (object "rotation",
/// section 12) byte for byte: its public key, the command it sends, and from the device's documented
/// answer the transcript and S'; an answer changed in any way gives no secret.
/// </summary>
public sealed class RotationVectorsTests
{
    private static readonly JsonElement Vectors = ProtocolDocument.TestVectors;
    private static readonly JsonElement Rotation = Vectors.GetProperty("rotation");

    private static byte[] Secret => Convert.FromHexString(Vectors.GetProperty("secret_hex").GetString()!);

    private static string DeviceId => Vectors.GetProperty("device_id").GetString()!;

    private static long Sequence => Rotation.GetProperty("seq").GetInt64();

    private static byte[] Hex(string name) => Convert.FromHexString(Rotation.GetProperty(name).GetString()!);

    [Fact]
    public void TheCommandIsTheDocumentedBytes()
    {
        var gatewayPublic = RotationExchange.PublicKey(Hex("gateway_private_hex"));
        var payload = CommandWire.EncodeCommand(DeviceId, Sequence, Rotation.GetProperty("exp").GetInt64(), "rotate-secret", RotationService.Arguments(gatewayPublic), DeviceKeyDerivation.DeriveCommandKey(Secret));

        Assert.Equal(Rotation.GetProperty("gateway_public_hex").GetString(), Convert.ToHexStringLower(gatewayPublic));
        Assert.Equal(Rotation.GetProperty("arguments").GetString(), RotationService.Arguments(gatewayPublic));
        Assert.Equal(Rotation.GetProperty("command_payload_hex").GetString(), Convert.ToHexStringLower(payload));
    }

    [Fact]
    public void TheDocumentedAnswerGivesTheDocumentedSecret()
    {
        var result = CommandWire.TryDecodeResult(Hex("result_payload_hex"), DeviceId, DeviceKeyDerivation.DeriveCommandKey(Secret), out _)!;

        var newSecret = RotationExchange.Verify(DeviceId, Sequence, Secret, Hex("gateway_private_hex"), result.Detail, out var failure);

        Assert.Equal(ProofFailure.None, failure);
        Assert.Equal(Rotation.GetProperty("new_secret_hex").GetString(), Convert.ToHexStringLower(newSecret!));
        Assert.Equal(Rotation.GetProperty("new_k_auth_hex").GetString(), Convert.ToHexStringLower(DeviceKeyDerivation.DeriveAuthKey(newSecret)));
        Assert.Equal(
            Rotation.GetProperty("transcript_hex").GetString(),
            Convert.ToHexStringLower(RotationExchange.Transcript(DeviceId, Sequence, Hex("gateway_public_hex"), Hex("device_public_hex"))));
    }

    [Fact]
    public void AChangedProofKeyOrSequenceGivesNoSecret()
    {
        var detail = Rotation.GetProperty("detail").GetString()!;
        var proof = Rotation.GetProperty("proof").GetString()!;
        var forged = detail.Replace(proof, proof[..^2] + (proof[^2] == 'A' ? "B" : "A") + proof[^1], StringComparison.Ordinal);
        var otherKey = Hex("gateway_private_hex");
        otherKey[3] ^= 1;

        Assert.Null(RotationExchange.Verify(DeviceId, Sequence, Secret, Hex("gateway_private_hex"), forged, out var bad));
        Assert.Equal(ProofFailure.BadProof, bad);
        Assert.Null(RotationExchange.Verify(DeviceId, Sequence + 1, Secret, Hex("gateway_private_hex"), detail, out _));
        Assert.Null(RotationExchange.Verify(DeviceId, Sequence, Secret, otherKey, detail, out _));
        Assert.Null(RotationExchange.Verify(DeviceId, Sequence, Secret, Hex("gateway_private_hex"), "device_key=abc", out var malformed));
        Assert.Equal(ProofFailure.MalformedAnswer, malformed);
        Assert.Null(RotationExchange.Verify(DeviceId, Sequence, Secret, Hex("gateway_private_hex"), "device_key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nproof=" + proof, out var lowOrder));
        Assert.Equal(ProofFailure.LowOrderKey, lowOrder);

        // The same key with a stray bit in its last character (protocol section 1: canonical only;
        // .NET's Base64Url decoder refuses it, Convert.FromBase64String would not).
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var key = CommandArgumentText.Parse(detail)["device_key"];
        var stray = key[..^1] + Alphabet[Alphabet.IndexOf(key[^1], StringComparison.Ordinal) | 1];
        Assert.Null(RotationExchange.Verify(DeviceId, Sequence, Secret, Hex("gateway_private_hex"), detail.Replace(key, stray, StringComparison.Ordinal), out var nonCanonical));
        Assert.Equal(ProofFailure.MalformedAnswer, nonCanonical);
    }
}
