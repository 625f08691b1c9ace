namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// The CONNACK properties the gateway may send (MQTT 5 section 3.2.2.3); null leaves a property
/// out, and the client then assumes its default (Receive Maximum 65,535, Maximum QoS 2, retain,
/// wildcard, subscription identifiers and shared subscriptions available, no Topic Aliases, no
/// packet size limit, the client's own Keep Alive and Session Expiry Interval).
/// </summary>
public readonly record struct ConnAckProperties : IPacketPart
{
    public uint? SessionExpiryInterval { get; init; }

    /// <summary>Receive Maximum (3.2.2.3.3): not 0.</summary>
    public ushort? ReceiveMaximum { get; init; }

    /// <summary>Maximum QoS (3.2.2.3.4): 0 or 1 only; absent means 2.</summary>
    public byte? MaximumQoS { get; init; }

    public bool? RetainAvailable { get; init; }

    /// <summary>Maximum Packet Size the gateway accepts (3.2.2.3.6): not 0.</summary>
    public uint? MaximumPacketSize { get; init; }

    public ushort? TopicAliasMaximum { get; init; }

    public bool? WildcardSubscriptionAvailable { get; init; }

    public bool? SubscriptionIdentifiersAvailable { get; init; }

    public bool? SharedSubscriptionAvailable { get; init; }

    public ushort? ServerKeepAlive { get; init; }

    public string? AssignedClientIdentifier { get; init; }

    /// <summary>Left out when it would make the CONNACK larger than the client's Maximum Packet Size (MQTT-3.2.2-19).</summary>
    public string? ReasonString { get; init; }

    void IPacketPart.Write(scoped ref PacketSpanWriter writer)
    {
        if (ReceiveMaximum == 0 || MaximumPacketSize == 0 || MaximumQoS > 1)
        {
            throw new ArgumentException("CONNACK Receive Maximum and Maximum Packet Size cannot be 0, Maximum QoS is 0 or 1 (MQTT 5 section 3.2.2.3).");
        }

        writer.WriteProperty(PropertyId.SessionExpiryInterval, SessionExpiryInterval);
        writer.WriteProperty(PropertyId.ReceiveMaximum, ReceiveMaximum);
        writer.WriteProperty(PropertyId.MaximumQoS, MaximumQoS);
        writer.WriteProperty(PropertyId.RetainAvailable, RetainAvailable);
        writer.WriteProperty(PropertyId.MaximumPacketSize, MaximumPacketSize);
        writer.WriteProperty(PropertyId.AssignedClientIdentifier, AssignedClientIdentifier);
        writer.WriteProperty(PropertyId.TopicAliasMaximum, TopicAliasMaximum);
        writer.WriteProperty(PropertyId.ReasonString, ReasonString);
        writer.WriteProperty(PropertyId.WildcardSubscriptionAvailable, WildcardSubscriptionAvailable);
        writer.WriteProperty(PropertyId.SubscriptionIdentifierAvailable, SubscriptionIdentifiersAvailable);
        writer.WriteProperty(PropertyId.SharedSubscriptionAvailable, SharedSubscriptionAvailable);
        writer.WriteProperty(PropertyId.ServerKeepAlive, ServerKeepAlive);
    }
}
