using System.Buffers;
using M2M.Gateway.Ingress;
using M2M.Gateway.Ingress.Packets;

namespace M2M.Fuzz.Gateway;

/// <summary>
/// The MQTT 5 byte stream as the ingress's read loop takes it apart (Ingress/Broker/MqttConnection.cs):
/// <see cref="PacketFramer"/> on the buffered bytes, the size limit judged from the fixed header
/// (<see cref="MqttIngressOptions.MaxUnauthenticatedPacketBytes"/> until a CONNECT is accepted, then
/// <see cref="MqttIngressOptions.MaxPacketBytes"/>), then the body's decoder, packet after packet:
/// concatenated packets in one input, and fragmented ones, as byte 0 cuts the rest into segments of
/// 1 to 16 bytes the way a socket delivers them. Checks that the framer reads the same header from
/// the segments as from one span, and that the two PUBLISH decoders (<see cref="PublishPacket"/>
/// for the ingress, <see cref="PublishView"/> for the zero-copy path) agree.
/// </summary>
public sealed class MqttStreamTarget : FuzzTarget
{
    /// <summary>The stream ended on a packet not yet whole: the connection waits for more.</summary>
    public const string Incomplete = "incomplete";

    /// <summary>Every packet was read and decoded.</summary>
    public const string Consumed = "consumed";

    /// <summary>The fixed header announced more than the connection may send.</summary>
    public const string TooLarge = "packet_too_large";

    private static readonly MqttIngressOptions Options = new();
    private static readonly HashSet<string> ReasonSet = [Incomplete, Consumed, TooLarge, .. PacketReasons.All];

    public override string Name => "mqtt-stream";

    public override string Side => "gateway";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return Incomplete;
        }

        var buffer = Segments.Of(input.AsMemory(1), (input[0] % 16) + 1);
        var authenticated = false;
        while (true)
        {
            var status = PacketFramer.TryReadFixedHeader(buffer, out var header, out var error);
            var contiguous = buffer.Slice(0, Math.Min(buffer.Length, PacketFramer.MaxHeaderLength)).ToArray();
            var whole = PacketFramer.TryReadFixedHeader(contiguous, out var wholeHeader, out var wholeError);
            if ((status, header, error) != (whole, wholeHeader, wholeError))
            {
                throw new FuzzInvariantException($"mqtt-stream: the framer read {status} {header} from segments, {whole} {wholeHeader} from one span");
            }

            if (status == FrameStatus.Incomplete)
            {
                return buffer.IsEmpty ? Consumed : Incomplete;
            }

            if (status == FrameStatus.Malformed)
            {
                return error.Reason;
            }

            var size = header.HeaderLength + (long)header.RemainingLength;
            if (size > (authenticated ? Options.MaxPacketBytes : Options.MaxUnauthenticatedPacketBytes))
            {
                return TooLarge;
            }

            if (buffer.Length < size)
            {
                return Incomplete;
            }

            var body = buffer.Slice(header.HeaderLength, header.RemainingLength);
            buffer = buffer.Slice(size);
            var span = body.IsSingleSegment ? body.FirstSpan : body.ToArray();
            if (Decode(header, span, ref authenticated) is { } refusal)
            {
                return refusal;
            }
        }
    }

    /// <summary>The body's decoder, as the connection chooses it by packet type; null when it decodes.</summary>
    private static string? Decode(FixedHeader header, ReadOnlySpan<byte> body, ref bool authenticated)
    {
        PacketError error;
        switch (header.Type)
        {
            case PacketType.Connect:
                authenticated |= ConnectPacket.TryDecode(body, out _, out error);
                break;
            case PacketType.Publish:
                var packet = PublishPacket.TryDecode(body, header.Flags, out var publish, out error);
                var view = PublishView.TryDecode(body, header.Flags, out var publishView, out var viewError);
                if (packet != view || error != viewError || (packet && !SamePublish(publish!, publishView)))
                {
                    throw new FuzzInvariantException($"mqtt-stream: PublishPacket ({error.Reason}) and PublishView ({viewError.Reason}) disagree");
                }

                break;
            case PacketType.Subscribe:
                SubscribePacket.TryDecode(body, out _, out error);
                break;
            case PacketType.Unsubscribe:
                UnsubscribePacket.TryDecode(body, out _, out error);
                break;
            case PacketType.PubAck:
                PubAckPacket.TryDecode(body, out _, out error);
                break;
            case PacketType.Disconnect:
                DisconnectPacket.TryDecode(body, out _, out error);
                break;
            case PacketType.Auth:
                AuthPacket.TryDecode(body, out _, out error);
                break;
            default:
                return null;
        }

        return error == default ? null : error.Reason;
    }

    private static bool SamePublish(PublishPacket packet, PublishView view)
    {
        if (!packet.TopicUtf8.Span.SequenceEqual(view.TopicUtf8) || packet.QoS != view.QoS || packet.PacketId != view.PacketId
            || !packet.Payload.Span.SequenceEqual(view.Payload) || packet.UserPropertyCount != view.UserPropertyCount)
        {
            return false;
        }

        var i = 0;
        foreach (var property in view.UserProperties)
        {
            if (!packet.UserPropertyName(i).SequenceEqual(property.Name) || !packet.UserPropertyValue(i).SequenceEqual(property.Value))
            {
                return false;
            }

            i++;
        }

        return i == packet.UserPropertyCount;
    }
}
