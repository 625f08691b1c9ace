using System.Security.Cryptography;
using M2M.Device.Core.Commands;
using M2M.Device.Core.Host.Platform;
using M2M.Gateway.Commands;
using M2M.Testing;

namespace M2M.Fuzz.Gateway;

/// <summary>
/// A device's command result as the gateway reads it (<see cref="CommandWire.TryDecodeResult"/>,
/// docs/protocol.md section 11.3), the payload of a PUBLISH on <c>devices/{id}/command-results</c>:
/// byte 0 bit 0 set means the rest is a result's field encoding that the target signs with the test
/// vectors' K_cmd first, so the fields behind the HMAC are fuzzed too; clear, the rest is the payload
/// as it came. Checks that a result the gateway accepts is exactly what the device's encoder
/// (<see cref="CommandCodec.EncodeResult(string, uint, CommandResult, byte[], M2M.Device.Core.Platform.IHmacSha256)"/>)
/// writes for the values read: one encoding per result, so no two payloads record the same answer.
/// </summary>
public sealed class CommandResultTarget : FuzzTarget
{
    private static readonly HashSet<string> ReasonSet = ["recorded", "bad_signature", "malformed_result"];

    private readonly string _deviceId = ProtocolDocument.TestVectors.GetProperty("device_id").GetString()!;
    private readonly byte[] _commandKey = Convert.FromHexString(ProtocolDocument.TestVectors.GetProperty("k_cmd_hex").GetString()!);

    public override string Name => "command-result";

    public override string Side => "gateway";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var rest = input.Length > 0 ? input[1..] : [];
        var payload = input.Length > 0 && (input[0] & 1) != 0 ? [.. rest, .. HMACSHA256.HashData(_commandKey, rest)] : rest;
        var answer = CommandWire.TryDecodeResult(payload, _deviceId, _commandKey, out var badSignature);
        if (answer == null)
        {
            return badSignature ? "bad_signature" : "malformed_result";
        }

        var encoded = CommandCodec.EncodeResult(_deviceId, checked((uint)answer.Sequence), new CommandResult(answer.Status, answer.Detail), _commandKey, new HostHmacSha256());
        if (!encoded.AsSpan().SequenceEqual(payload))
        {
            throw new FuzzInvariantException("command-result: the gateway accepted a result the device encodes otherwise");
        }

        return "recorded";
    }
}
