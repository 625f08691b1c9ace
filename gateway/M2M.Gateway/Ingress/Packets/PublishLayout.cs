namespace M2M.Gateway.Ingress.Packets;

/// <summary>A field's place in a packet body; <see cref="Absent"/> when the packet does not carry it.</summary>
internal readonly record struct Segment(int Start, int Length)
{
    public static readonly Segment Absent = new(-1, 0);

    public bool IsPresent => Start >= 0;

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> body) => IsPresent ? body.Slice(Start, Length) : default;
}

/// <summary>
/// A validated PUBLISH body (MQTT 5 section 3.3) as offsets: what <see cref="PublishView"/> reads
/// over the caller's bytes and <see cref="PublishPacket"/> over its own copy. Parsing it is the one
/// place the rules of section 3.3 are checked.
/// </summary>
internal readonly record struct PublishLayout
{
    public int QoS { get; init; }

    public bool Dup { get; init; }

    public bool Retain { get; init; }

    public ushort PacketId { get; init; }

    public Segment Topic { get; init; }

    /// <summary>The properties block, without its Property Length.</summary>
    public Segment Properties { get; init; }

    public int PayloadStart { get; init; }

    public byte? PayloadFormatIndicator { get; init; }

    public uint? MessageExpiryInterval { get; init; }

    public ushort? TopicAlias { get; init; }

    public Segment ContentType { get; init; }

    public Segment ResponseTopic { get; init; }

    public Segment CorrelationData { get; init; }

    public bool HasSubscriptionIdentifier { get; init; }

    public int UserPropertyCount { get; init; }

    /// <summary>
    /// Checks a PUBLISH body against section 3.3: the fixed header flags (3.3.1), the Topic Name
    /// (3.3.2.1), the Packet Identifier of a QoS 1 or 2 message (3.3.2.2), the properties
    /// (3.3.2.3); everything after them is the payload (3.3.3).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, byte flags, out PublishLayout layout, out PacketError error)
    {
        layout = default;
        var qos = (flags >> 1) & 3;
        var dup = (flags & 0b1000) != 0;
        error = qos == 3 ? PacketErrors.BadQoS // 3.3.1.2 MQTT-3.3.1-4
            : dup && qos == 0 ? PacketErrors.DupWithQoS0 // 3.3.1.1 MQTT-3.3.1-2
            : default;
        if (error != default)
        {
            return false;
        }

        var reader = new PacketReader(body);
        var topicStart = reader.Position + 2;
        if (!reader.TryReadString(out var topic, out error))
        {
            return false;
        }

        // Wildcards are never allowed in a Topic Name (3.3.2.1 MQTT-3.3.2-2); an empty one only
        // with a Topic Alias, checked below.
        if (!topic.IsEmpty && TopicNames.Error(topic) is { } topicError)
        {
            error = topicError;
            return false;
        }

        ushort packetId = 0;
        if (qos > 0 && !reader.TryReadPacketId(out packetId, out error))
        {
            return false;
        }

        if (!PropertyReader.TryOpen(ref reader, PropertySets.Publish, PropertySets.RepeatableInPublish, out var properties, out error))
        {
            return false;
        }

        byte? payloadFormat = null;
        uint? expiry = null;
        ushort? alias = null;
        Segment contentType = Segment.Absent, responseTopic = Segment.Absent, correlation = Segment.Absent;
        var subscriptionIdentifier = false;
        var userProperties = 0;
        while (properties.TryRead(out var property, out error) && property.Id != PropertyId.None)
        {
            var data = new Segment(property.DataOffset, property.Data.Length);
            switch (property.Id)
            {
                case PropertyId.PayloadFormatIndicator:
                    payloadFormat = (byte)property.Number;
                    break;
                case PropertyId.MessageExpiryInterval:
                    expiry = property.Number;
                    break;
                case PropertyId.TopicAlias:
                    alias = (ushort)property.Number;
                    break;
                case PropertyId.ContentType:
                    contentType = data;
                    break;
                case PropertyId.ResponseTopic:
                    responseTopic = data;
                    break;
                case PropertyId.CorrelationData:
                    correlation = data;
                    break;
                case PropertyId.SubscriptionIdentifier:
                    subscriptionIdentifier = true;
                    break;
                default:
                    userProperties++;
                    break;
            }
        }

        if (error != default)
        {
            return false;
        }

        // "It is a Protocol Error if the Topic Name is zero length and there is no Topic Alias" (3.3.2.1).
        if (topic.IsEmpty && alias is null)
        {
            error = PacketErrors.EmptyTopic;
            return false;
        }

        layout = new PublishLayout
        {
            QoS = qos,
            Dup = dup,
            Retain = (flags & 1) != 0,
            PacketId = packetId,
            Topic = new Segment(topicStart, topic.Length),
            Properties = new Segment(properties.Start, properties.Length),
            PayloadStart = reader.Position,
            PayloadFormatIndicator = payloadFormat,
            MessageExpiryInterval = expiry,
            TopicAlias = alias,
            ContentType = contentType,
            ResponseTopic = responseTopic,
            CorrelationData = correlation,
            HasSubscriptionIdentifier = subscriptionIdentifier,
            UserPropertyCount = userProperties,
        };
        return true;
    }
}
