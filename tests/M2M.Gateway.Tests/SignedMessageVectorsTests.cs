using M2M.Gateway.Telemetry;
using System.Buffers.Text;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>The gateway encodes and verifies the signed messages of docs/protocol.md section 10 exactly.</summary>
public class SignedMessageVectorsTests
{
    public static TheoryData<int> Messages()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < ProtocolDocument.TestVectors.GetProperty("messages").GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void EncodesTheVectorBytes(int index)
    {
        var vector = ProtocolDocument.TestVectors.GetProperty("messages")[index];

        var encoded = Encode(vector);

        Assert.Equal(vector.GetProperty("encoded_hex").GetString(), Convert.ToHexStringLower(encoded));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void VerifiesTheVectorSignature(int index)
    {
        var vector = ProtocolDocument.TestVectors.GetProperty("messages")[index];

        Assert.True(SignedMessageEncoding.VerifySignature(MessageKey(), Encode(vector), Signature(vector)));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void RefusesTheVectorWithOneBitOfThePayloadFlipped(int index)
    {
        var vector = ProtocolDocument.TestVectors.GetProperty("messages")[index];
        var payload = Convert.FromHexString(vector.GetProperty("payload_hex").GetString()!);
        payload[^1] ^= 0x01;

        var encoded = Encode(vector, payload);

        Assert.False(SignedMessageEncoding.VerifySignature(MessageKey(), encoded, Signature(vector)));
    }

    [Fact]
    public void MovingBytesBetweenTopicAndContentTypeChangesTheEncoding()
    {
        // The length prefixes are what make the encoding unambiguous (docs/protocol.md section 6.2).
        var a = SignedMessageEncoding.Encode("dev-1", "devices/dev-1/telemetry", 1, 1, 0, "ab", [1]);
        var b = SignedMessageEncoding.Encode("dev-1", "devices/dev-1/telemetrya", 1, 1, 0, "b", [1]);

        Assert.NotEqual(Convert.ToHexString(a), Convert.ToHexString(b));
    }

    private static byte[] Encode(System.Text.Json.JsonElement vector, byte[]? payload = null) =>
        SignedMessageEncoding.Encode(
            ProtocolDocument.TestVectors.GetProperty("device_id").GetString()!,
            vector.GetProperty("topic").GetString()!,
            vector.GetProperty("epoch").GetUInt32(),
            vector.GetProperty("seq").GetUInt32(),
            vector.GetProperty("ts").GetInt64(),
            vector.GetProperty("content_type").GetString(),
            payload ?? Convert.FromHexString(vector.GetProperty("payload_hex").GetString()!));

    private static byte[] MessageKey() => Convert.FromHexString(ProtocolDocument.TestVectors.GetProperty("k_msg_hex").GetString()!);

    private static byte[] Signature(System.Text.Json.JsonElement vector) =>
        Base64Url.DecodeFromChars(vector.GetProperty("signature").GetString()!);
}
