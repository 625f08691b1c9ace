using M2M.Gateway.Ingress;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Ingress.Pipeline;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;
using Microsoft.Extensions.Options;
using DeviceEncoding = M2M.Device.Core.Messaging.SignedMessageEncoding;
using GatewayEncoding = M2M.Gateway.Telemetry.SignedMessageEncoding;

namespace M2M.Fuzz.Gateway;

/// <summary>
/// A telemetry PUBLISH of an authenticated device through the stages that read what it signed
/// (docs/protocol.md sections 6.1 and 6.2): byte 0 is the fixed header's flags, the rest the body;
/// <see cref="PublishPacket"/> decodes it, <see cref="ExtractSignedMessage"/> reads the m2m User
/// Properties, <see cref="VerifySignature"/> checks m2m-sig under the test-vector device's K_msg.
/// Checks that every outcome is a packet error or a <see cref="PublishOutcome"/> label, that the
/// extracted fields are exactly the property texts (the canonical forms read back), and that the
/// gateway's signed encoding of the message is byte for byte the device core's.
/// </summary>
public sealed class SignedPropertiesTarget : FuzzTarget, IDisposable
{
    private static readonly byte[] MessageKey = Convert.FromHexString("23416fa020fd99c683284a2f5f8a8574780e62632af3991ea629d0e419973af4");
    private static readonly DeviceRecord Device = new("sensor-0001", true, "default", [], 1, GatewayParts.Now, MessageKey);

    private static readonly HashSet<string> ReasonSet =
    [
        "verified", PublishOutcome.MalformedProperties.Reason, PublishOutcome.UnsupportedVersion.Reason, PublishOutcome.BadSignature.Reason, .. PacketReasons.All,
    ];

    private readonly ExtractSignedMessage _extract = new(Options.Create(new MqttIngressOptions()));
    private readonly VerifySignature _verify = new();
    private readonly DeviceSession _session = new(Device, null, DateTimeOffset.MaxValue);

    public override string Name => "signed-properties";

    public override string Side => "gateway";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var flags = input.Length == 0 ? (byte)0x02 : (byte)(input[0] & 0x0F);
        if (!PublishPacket.TryDecode(input.AsSpan(Math.Min(1, input.Length)), flags, out var packet, out var error))
        {
            return error.Reason;
        }

        var context = new PublishContext(_session, packet);
        var outcome = _extract.RunAsync(context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (outcome != null)
        {
            return outcome.Reason;
        }

        var message = context.Message!;
        Expect(Property(packet, "m2m-epoch") == message.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && Property(packet, "m2m-seq") == message.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && Property(packet, "m2m-ts") == message.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && Property(packet, "m2m-sig") == message.SignatureText && message.Signature.Length == 32,
            "the extracted fields are not the property texts");

        // The same message encoded by both sides of the protocol (section 6.2).
        var gateway = GatewayEncoding.Encode(Device.DeviceId, packet.Topic, message.Epoch, message.Sequence, message.Timestamp, packet.ContentType, packet.Payload.Span);
        var device = DeviceEncoding.Encode(Device.DeviceId, packet.Topic, message.Epoch, message.Sequence, message.Timestamp, packet.ContentType, packet.Payload.ToArray());
        Expect(gateway.AsSpan().SequenceEqual(device), "the gateway's signed encoding differs from the device core's");

        var verified = _verify.RunAsync(context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return verified?.Reason ?? "verified";
    }

    public void Dispose() => _session.Dispose();

    private static string? Property(PublishPacket packet, string name)
    {
        for (var i = 0; i < packet.UserPropertyCount; i++)
        {
            if (packet.GetUserPropertyName(i) == name)
            {
                return packet.GetUserPropertyValue(i);
            }
        }

        return null;
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException("signed-properties: " + what);
        }
    }
}
