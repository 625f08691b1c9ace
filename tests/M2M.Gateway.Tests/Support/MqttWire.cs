using System.Buffers;
using M2M.Gateway.Ingress.Packets;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// Runs whole MQTT packets through the gateway's codec as the connection will: frame the fixed
/// header, then decode the body with the packet type's decoder. A PUBLISH is decoded both as the
/// copying <see cref="PublishPacket"/> and the zero-copy <see cref="PublishView"/>, which must agree.
/// And the same through MQTTnet's packet formatter, the independent implementation the codec is
/// checked against.
/// </summary>
public static class MqttWire
{
    /// <summary>Bytes from hex written with spaces between fields.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>The decoded packet (the fixed header for types that have no decoder), or the refusal.</summary>
    public static (object? Packet, PacketError? Error) Decode(ReadOnlySpan<byte> packet)
    {
        var status = PacketFramer.TryReadFixedHeader(packet, out var header, out var error);
        if (status == FrameStatus.Malformed)
        {
            return (null, error);
        }

        Assert.True(status == FrameStatus.Complete, "an incomplete fixed header");
        Assert.True(header.PacketSize == packet.Length, $"the fixed header declares {header.PacketSize} bytes, the packet has {packet.Length}");
        var body = packet[header.HeaderLength..];
        return header.Type switch
        {
            PacketType.Connect => Result(ConnectPacket.TryDecode(body, out var p, out error), p, error),
            PacketType.Publish => Publish(body, header.Flags),
            PacketType.PubAck => Result(PubAckPacket.TryDecode(body, out var p, out error), p, error),
            PacketType.Subscribe => Result(SubscribePacket.TryDecode(body, out var p, out error), p, error),
            PacketType.Unsubscribe => Result(UnsubscribePacket.TryDecode(body, out var p, out error), p, error),
            PacketType.Disconnect => Result(DisconnectPacket.TryDecode(body, out var p, out error), p, error),
            PacketType.Auth => Result(AuthPacket.TryDecode(body, out var p, out error), p, error),
            _ => (header, null),
        };
    }

    /// <summary>What an encoder wrote into a fresh buffer writer.</summary>
    public static byte[] Written(Action<IBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>MQTTnet's encoding of <paramref name="packet"/>, as its client sends it.</summary>
    public static byte[] MqttnetEncode(MqttPacket packet, MqttProtocolVersion version = MqttProtocolVersion.V500) =>
        new MqttPacketFormatterAdapter(version, new MqttBufferWriter(4096, 65536)).Encode(packet).ToArray();

    /// <summary>MQTTnet's decoding of a whole packet; the fixed header is split here, not by the codec under test.</summary>
    public static MqttPacket MqttnetDecode(byte[] packet, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var headerLength = 2;
        while ((packet[headerLength - 1] & 0x80) != 0)
        {
            headerLength++;
        }

        var body = new ArraySegment<byte>(packet, headerLength, packet.Length - headerLength);
        return new MqttPacketFormatterAdapter(version, new MqttBufferWriter(4096, 65536)).Decode(new ReceivedMqttPacket(packet[0], body, packet.Length));
    }

    /// <summary>A sequence of <paramref name="bytes"/> cut into segments of <paramref name="segmentLength"/> bytes.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentLength)
    {
        Segment? first = null, last = null;
        for (var start = 0; start < bytes.Length; start += segmentLength)
        {
            var memory = bytes.AsMemory(start, Math.Min(segmentLength, bytes.Length - start));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private static (object? Packet, PacketError? Error) Publish(ReadOnlySpan<byte> body, byte flags)
    {
        var copied = PublishPacket.TryDecode(body, flags, out var packet, out var error);
        var viewed = PublishView.TryDecode(body, flags, out var view, out var viewError);
        Assert.Equal(copied, viewed);
        Assert.Equal(error, viewError);
        if (copied)
        {
            Assert.Equal(packet!.Topic, view.GetTopic());
            Assert.Equal(packet.Payload.ToArray(), view.Payload.ToArray());
            Assert.Equal(packet.UserPropertyCount, view.UserPropertyCount);
            Assert.Equal(packet.Size, view.Size);
        }

        return Result(copied, packet, error);
    }

    private static (object? Packet, PacketError? Error) Result(bool decoded, object? packet, PacketError error) => decoded ? (packet, null) : (null, error);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
