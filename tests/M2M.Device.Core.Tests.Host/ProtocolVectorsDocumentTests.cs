using M2M.Testing;
using Xunit;

namespace M2M.Device.Core.Tests.Host;

/// <summary>
/// The device tests' vector constants (which a board can hold) equal the vectors of docs/protocol.md,
/// so the device tests check the same values as the document and the gateway tests.
/// </summary>
public class ProtocolVectorsDocumentTests
{
    public static TheoryData<string, string> Pairs()
    {
        var json = ProtocolDocument.TestVectors;
        var assertion = json.GetProperty("assertion");
        var data = new TheoryData<string, string>
        {
            { nameof(ProtocolTestVectors.SecretHex), json.GetProperty("secret_hex").GetString()! },
            { nameof(ProtocolTestVectors.DeviceId), json.GetProperty("device_id").GetString()! },
            { nameof(ProtocolTestVectors.AuthKeyHex), json.GetProperty("k_auth_hex").GetString()! },
            { nameof(ProtocolTestVectors.MessageKeyHex), json.GetProperty("k_msg_hex").GetString()! },
            { nameof(ProtocolTestVectors.AssertionAudience), assertion.GetProperty("aud").GetString()! },
            { nameof(ProtocolTestVectors.AssertionJwtId), assertion.GetProperty("jti").GetString()! },
            { nameof(ProtocolTestVectors.AssertionIssuedAt), assertion.GetProperty("iat").GetRawText() },
            { nameof(ProtocolTestVectors.AssertionExpiresAt), assertion.GetProperty("exp").GetRawText() },
            { nameof(ProtocolTestVectors.Assertion), assertion.GetProperty("jwt").GetString()! },
        };
        var messages = json.GetProperty("messages");
        for (var i = 0; i < messages.GetArrayLength(); i++)
        {
            var message = messages[i];
            var prefix = $"Message{i + 1}";
            data.Add(prefix + "Topic", message.GetProperty("topic").GetString()!);
            data.Add(prefix + "Epoch", message.GetProperty("epoch").GetRawText());
            data.Add(prefix + "Sequence", message.GetProperty("seq").GetRawText());
            data.Add(prefix + "Timestamp", message.GetProperty("ts").GetRawText());
            data.Add(prefix + "ContentType", message.GetProperty("content_type").GetString()!);
            data.Add(prefix + "PayloadHex", message.GetProperty("payload_hex").GetString()!);
            data.Add(prefix + "EncodedHex", message.GetProperty("encoded_hex").GetString()!);
            data.Add(prefix + "Signature", message.GetProperty("signature").GetString()!);
        }

        data.Add(nameof(ProtocolTestVectors.CommandKeyHex), json.GetProperty("k_cmd_hex").GetString()!);
        var commands = json.GetProperty("commands");
        for (var i = 0; i < commands.GetArrayLength(); i++)
        {
            var command = commands[i];
            var prefix = $"Command{i + 1}";
            data.Add(prefix + "Sequence", command.GetProperty("seq").GetRawText());
            data.Add(prefix + "ExpiresAt", command.GetProperty("exp").GetRawText());
            data.Add(prefix + "Name", command.GetProperty("name").GetString()!);
            data.Add(prefix + "Arguments", command.GetProperty("arguments").GetString()!);
            data.Add(prefix + "PayloadHex", command.GetProperty("payload_hex").GetString()!);
        }

        var results = json.GetProperty("command_results");
        for (var i = 0; i < results.GetArrayLength(); i++)
        {
            var result = results[i];
            var prefix = $"Result{i + 1}";
            data.Add(prefix + "Sequence", result.GetProperty("seq").GetRawText());
            data.Add(prefix + "Status", result.GetProperty("status").GetString()!);
            data.Add(prefix + "Detail", result.GetProperty("detail").GetString()!);
            data.Add(prefix + "PayloadHex", result.GetProperty("payload_hex").GetString()!);
        }


        var rotation = json.GetProperty("rotation");
        data.Add(nameof(ProtocolTestVectors.RotationSequence), rotation.GetProperty("seq").GetRawText());
        data.Add(nameof(ProtocolTestVectors.RotationExpiresAt), rotation.GetProperty("exp").GetRawText());
        data.Add(nameof(ProtocolTestVectors.RotationGatewayPrivateHex), rotation.GetProperty("gateway_private_hex").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationGatewayPublicHex), rotation.GetProperty("gateway_public_hex").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationDevicePrivateHex), rotation.GetProperty("device_private_hex").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationDevicePublicHex), rotation.GetProperty("device_public_hex").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationSharedHex), rotation.GetProperty("shared_hex").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationTranscriptHex), rotation.GetProperty("transcript_hex").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationNewSecretHex), rotation.GetProperty("new_secret_hex").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationProofKeyHex), rotation.GetProperty("k_proof_hex").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationProof), rotation.GetProperty("proof").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationArguments), rotation.GetProperty("arguments").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationCommandPayloadHex), rotation.GetProperty("command_payload_hex").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationDetail), rotation.GetProperty("detail").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationResultPayloadHex), rotation.GetProperty("result_payload_hex").GetString()!);
        data.Add(nameof(ProtocolTestVectors.RotationNewAuthKeyHex), rotation.GetProperty("new_k_auth_hex").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void DeviceConstantEqualsTheDocument(string constant, string documented)
    {
        var field = typeof(ProtocolTestVectors).GetField(constant);

        Assert.NotNull(field);
        Assert.Equal(documented, System.Convert.ToString(field.GetValue(null), System.Globalization.CultureInfo.InvariantCulture));
    }
}
