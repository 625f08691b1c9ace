using System.Buffers;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>What <see cref="PacketFramer.TryReadFixedHeader(in ReadOnlySequence{byte}, out FixedHeader, out PacketError)"/> found.</summary>
public enum FrameStatus
{
    /// <summary>More bytes are needed before the header can be judged.</summary>
    Incomplete,

    /// <summary>A well-formed fixed header; its body may not have arrived yet.</summary>
    Complete,

    /// <summary>The header can never become valid; the error says why.</summary>
    Malformed,
}

/// <summary>
/// Frames MQTT packets: reads only the fixed header (MQTT 5 section 2.1), so the connection can
/// refuse a packet by its declared size before reading its body. It refuses, as soon as the bytes
/// that decide it have arrived: packet type 0 (2.1.2), flag bits other than section 2.1.3 requires
/// for the type (PUBREL, SUBSCRIBE and UNSUBSCRIBE 0b0010, PUBLISH anything but QoS 3, the rest 0),
/// a Remaining Length over 4 bytes or not minimally encoded (1.5.5), and a non-empty PINGREQ or
/// PINGRESP (3.12, 3.13: no variable header, no payload). Limits on the size are the caller's.
/// </summary>
public static class PacketFramer
{
    /// <summary>The longest fixed header: the type byte and a 4-byte Remaining Length.</summary>
    public const int MaxHeaderLength = 5;

    /// <summary>Reads the fixed header at the start of <paramref name="buffer"/>, which may span any number of segments.</summary>
    public static FrameStatus TryReadFixedHeader(in ReadOnlySequence<byte> buffer, out FixedHeader header, out PacketError error)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= MaxHeaderLength || first.Length == buffer.Length)
        {
            return TryReadFixedHeader(first, out header, out error);
        }

        // A header split across segments: it is at most 5 bytes, so gather them.
        Span<byte> head = stackalloc byte[MaxHeaderLength];
        var available = (int)Math.Min(MaxHeaderLength, buffer.Length);
        buffer.Slice(0, available).CopyTo(head);
        return TryReadFixedHeader(head[..available], out header, out error);
    }

    /// <summary>Reads the fixed header at the start of <paramref name="buffer"/>.</summary>
    public static FrameStatus TryReadFixedHeader(ReadOnlySpan<byte> buffer, out FixedHeader header, out PacketError error)
    {
        header = default;
        error = default;
        if (buffer.IsEmpty)
        {
            return FrameStatus.Incomplete;
        }

        var type = (PacketType)(buffer[0] >> 4);
        var flags = (byte)(buffer[0] & 0x0F);
        if (type == 0)
        {
            error = PacketErrors.BadPacketType;
            return FrameStatus.Malformed;
        }

        if (FlagsError(type, flags) is { } flagsError)
        {
            error = flagsError;
            return FrameStatus.Malformed;
        }

        var consumed = VariableByteInteger.Decode(buffer[1..], out var remainingLength);
        if (consumed == 0)
        {
            return FrameStatus.Incomplete;
        }

        if (consumed < 0 || (remainingLength != 0 && type is PacketType.PingReq or PacketType.PingResp))
        {
            error = PacketErrors.BadRemainingLength;
            return FrameStatus.Malformed;
        }

        header = new FixedHeader(type, flags, remainingLength, 1 + consumed);
        return FrameStatus.Complete;
    }

    /// <summary>The flag bits section 2.1.3 (Table 2-2) requires; null when they are as required.</summary>
    private static PacketError? FlagsError(PacketType type, byte flags) => type switch
    {
        // DUP, QoS and RETAIN are the PUBLISH's own; only QoS 3 is malformed (3.3.1.2 MQTT-3.3.1-4).
        PacketType.Publish => (flags & 0b0110) == 0b0110 ? PacketErrors.BadQoS : null,

        // Reserved as 0,0,1,0 (3.6.1 MQTT-3.6.1-1, 3.8.1 MQTT-3.8.1-1, 3.10.1 MQTT-3.10.1-1).
        PacketType.PubRel or PacketType.Subscribe or PacketType.Unsubscribe => flags == 0b0010 ? null : PacketErrors.ReservedFlags,

        // Reserved as 0 for every other type (2.1.3 MQTT-2.1.3-1, 3.14.1 MQTT-3.14.1-1, 3.15.1 MQTT-3.15.1-1).
        _ => flags == 0 ? null : PacketErrors.ReservedFlags,
    };
}
