using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>One Topic Filter of a SUBSCRIBE with its Subscription Options (MQTT 5 section 3.8.3.1).</summary>
public readonly record struct SubscriptionRequest(string TopicFilter, int MaximumQoS, bool NoLocal, bool RetainAsPublished, int RetainHandling);

/// <summary>
/// A SUBSCRIBE (MQTT 5 section 3.8): Packet Identifier, properties (Subscription Identifier at most
/// once and not 0, User Properties), then at least one Topic Filter with its options byte: Maximum
/// QoS not 3, Retain Handling not 3, reserved bits 6-7 clear, No Local not on a Shared
/// Subscription. The filters themselves are not judged here: the caller answers each in the SUBACK
/// (<see cref="TopicFilters.IsValid(string)"/>: 0x8F; <see cref="TopicFilters.IsShared(string)"/>: 0x9E), as it does
/// a Subscription Identifier it does not support (0xA1) and its own authorization.
/// </summary>
public sealed class SubscribePacket
{
    public ushort PacketId { get; init; }

    /// <summary>The Subscription Identifier (3.8.2.1.2), or null.</summary>
    public uint? SubscriptionIdentifier { get; init; }

    public int UserPropertyCount { get; init; }

    /// <summary>The requested subscriptions, in order; never empty.</summary>
    public required IReadOnlyList<SubscriptionRequest> Subscriptions { get; init; }

    /// <summary>Validates <paramref name="body"/> as a SUBSCRIBE (section 3.8).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, [NotNullWhen(true)] out SubscribePacket? packet, out PacketError error)
    {
        packet = Decode(body, out error);
        return packet is not null;
    }

    private static SubscribePacket? Decode(ReadOnlySpan<byte> body, out PacketError error)
    {
        var reader = new PacketReader(body);
        if (!TryReadHead(ref reader, PropertySets.Subscribe, out var packetId, out var properties, out error))
        {
            return null;
        }

        var subscriptions = new List<SubscriptionRequest>();
        while (!reader.End)
        {
            if (!reader.TryReadString(out var filterBytes, out error) || !reader.TryReadByte(out var options, out error))
            {
                return null;
            }

            var filter = Encoding.UTF8.GetString(filterBytes);
            var noLocal = (options & 0b100) != 0;
            error = (options & 0b1100_0000) != 0 ? PacketErrors.ReservedFlags // MQTT-3.8.3-5
                : (options & 0b11) == 3 || (options >> 4 & 0b11) == 3 ? PacketErrors.BadSubscriptionOptions
                : noLocal && TopicFilters.IsShared(filter) ? PacketErrors.NoLocalOnSharedSubscription // MQTT-3.8.3-4
                : default;
            if (error != default)
            {
                return null;
            }

            subscriptions.Add(new SubscriptionRequest(filter, options & 0b11, noLocal, (options & 0b1000) != 0, options >> 4 & 0b11));
        }

        return new SubscribePacket
        {
            PacketId = packetId,
            SubscriptionIdentifier = properties.SubscriptionIdentifier,
            UserPropertyCount = properties.UserPropertyCount,
            Subscriptions = subscriptions,
        };
    }

    /// <summary>
    /// What SUBSCRIBE and UNSUBSCRIBE share before their Topic Filters: a non-zero Packet Identifier,
    /// properties, and at least one filter after them ("with no Payload is a Protocol Error",
    /// 3.8.3 MQTT-3.8.3-2, 3.10.3 MQTT-3.10.3-2).
    /// </summary>
    internal static bool TryReadHead(scoped ref PacketReader reader, ulong allowed, out ushort packetId, out ControlProperties properties, out PacketError error)
    {
        properties = default;
        if (!reader.TryReadPacketId(out packetId, out error) || !ControlProperties.TryRead(ref reader, allowed, out properties, out error))
        {
            return false;
        }

        error = reader.End ? PacketErrors.NoTopicFilter : default;
        return !reader.End;
    }
}
