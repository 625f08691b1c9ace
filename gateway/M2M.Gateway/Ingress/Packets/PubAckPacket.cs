using System.Diagnostics.CodeAnalysis;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// A PUBACK from a client (MQTT 5 section 3.4), for the gateway's own QoS 1 PUBLISH: Packet
/// Identifier, then, when the Remaining Length allows, a PUBACK reason code (3.4.2.1) and
/// properties (Reason String, User Properties; 3.4.2.2). Whether the identifier is one in flight is
/// the caller's to check.
/// </summary>
public sealed class PubAckPacket
{
    public ushort PacketId { get; init; }

    /// <summary>The reason code; 0x00 when the Remaining Length is 2 (3.4.2.1).</summary>
    public ReasonCode ReasonCode { get; init; }

    public string? ReasonString { get; init; }

    public int UserPropertyCount { get; init; }

    /// <summary>Validates <paramref name="body"/> as a PUBACK (section 3.4).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, [NotNullWhen(true)] out PubAckPacket? packet, out PacketError error)
    {
        packet = null;
        var reader = new PacketReader(body);
        if (!reader.TryReadPacketId(out var packetId, out error)
            || !ControlProperties.TryReadReasonAndProperties(ref reader, ReasonCodeTables.PubAck, PropertySets.Acknowledgement, out var code, out var properties, out error))
        {
            return false;
        }

        packet = new PubAckPacket { PacketId = packetId, ReasonCode = code, ReasonString = properties.ReasonString, UserPropertyCount = properties.UserPropertyCount };
        return true;
    }
}
