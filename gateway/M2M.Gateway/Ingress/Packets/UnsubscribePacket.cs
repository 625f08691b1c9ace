using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// An UNSUBSCRIBE (MQTT 5 section 3.10): Packet Identifier, properties (User Properties only),
/// then at least one Topic Filter (3.10.3 MQTT-3.10.3-2). Filters are compared as sent
/// (3.10.4 MQTT-3.10.4-1), so they are not judged here.
/// </summary>
public sealed class UnsubscribePacket
{
    public ushort PacketId { get; init; }

    public int UserPropertyCount { get; init; }

    /// <summary>The Topic Filters, in order; never empty.</summary>
    public required IReadOnlyList<string> TopicFilters { get; init; }

    /// <summary>Validates <paramref name="body"/> as an UNSUBSCRIBE (section 3.10).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, [NotNullWhen(true)] out UnsubscribePacket? packet, out PacketError error)
    {
        packet = Decode(body, out error);
        return packet is not null;
    }

    private static UnsubscribePacket? Decode(ReadOnlySpan<byte> body, out PacketError error)
    {
        var reader = new PacketReader(body);
        if (!SubscribePacket.TryReadHead(ref reader, PropertySets.Unsubscribe, out var packetId, out var properties, out error))
        {
            return null;
        }

        var filters = new List<string>();
        while (!reader.End)
        {
            if (!reader.TryReadString(out var filter, out error))
            {
                return null;
            }

            filters.Add(Encoding.UTF8.GetString(filter));
        }

        return new UnsubscribePacket { PacketId = packetId, UserPropertyCount = properties.UserPropertyCount, TopicFilters = filters };
    }
}
