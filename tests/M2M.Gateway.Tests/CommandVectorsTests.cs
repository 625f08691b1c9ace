using System.Text.Json;
using M2M.Gateway.Commands;
using M2M.Gateway.Registry;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// The gateway writes the command vectors of docs/protocol.md section 10 byte for byte and reads the
/// result vector (section 11); a result changed in any byte does not verify.
/// </summary>
public sealed class CommandVectorsTests
{
    private static readonly JsonElement Vectors = ProtocolDocument.TestVectors;

    private static byte[] Secret => Convert.FromHexString(Vectors.GetProperty("secret_hex").GetString()!);

    private static string DeviceId => Vectors.GetProperty("device_id").GetString()!;

    [Fact]
    public void TheCommandKeyIsTheVector() =>
        Assert.Equal(Vectors.GetProperty("k_cmd_hex").GetString(), Convert.ToHexStringLower(DeviceKeyDerivation.DeriveCommandKey(Secret)));

    [Fact]
    public void EachCommandVectorIsTheBytesTheGatewaySends()
    {
        var key = DeviceKeyDerivation.DeriveCommandKey(Secret);
        foreach (var command in Vectors.GetProperty("commands").EnumerateArray())
        {
            var payload = CommandWire.EncodeCommand(
                DeviceId, command.GetProperty("seq").GetInt64(), command.GetProperty("exp").GetInt64(), command.GetProperty("name").GetString()!, command.GetProperty("arguments").GetString()!, key);

            Assert.Equal(command.GetProperty("payload_hex").GetString(), Convert.ToHexStringLower(payload));
        }
    }

    [Fact]
    public void TheResultVectorReadsAndAnyChangedByteDoesNotVerify()
    {
        var key = DeviceKeyDerivation.DeriveCommandKey(Secret);
        var vector = Vectors.GetProperty("command_results")[0];
        var payload = Convert.FromHexString(vector.GetProperty("payload_hex").GetString()!);

        var answer = CommandWire.TryDecodeResult(payload, DeviceId, key, out var badSignature);

        Assert.False(badSignature);
        Assert.Equal(new CommandAnswer(vector.GetProperty("seq").GetInt64(), vector.GetProperty("status").GetString()!, vector.GetProperty("detail").GetString()!), answer);
        for (var i = 0; i < payload.Length; i++)
        {
            var changed = payload.ToArray();
            changed[i] ^= 0x01;
            Assert.Null(CommandWire.TryDecodeResult(changed, DeviceId, key, out var refused));
            Assert.True(refused, $"byte {i}");
        }

        Assert.Null(CommandWire.TryDecodeResult(payload, "sensor-0002", key, out _));
    }
}
