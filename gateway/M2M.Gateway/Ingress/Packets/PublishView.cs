using System.Text;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// A PUBLISH (MQTT 5 section 3.3) decoded without copying: every field is a span over the caller's
/// body, valid only while those bytes are. For a packet that must outlive its receive buffer, use
/// <see cref="PublishPacket"/> (or <see cref="ToPacket"/>), which owns one copy.
/// </summary>
public readonly ref struct PublishView
{
    private readonly ReadOnlySpan<byte> _body;
    private readonly PublishLayout _layout;

    private PublishView(ReadOnlySpan<byte> body, PublishLayout layout)
    {
        _body = body;
        _layout = layout;
    }

    public int QoS => _layout.QoS;

    public bool Dup => _layout.Dup;

    public bool Retain => _layout.Retain;

    /// <summary>The Packet Identifier of a QoS 1 or 2 message; 0 for QoS 0.</summary>
    public ushort PacketId => _layout.PacketId;

    /// <summary>The Topic Name's UTF-8 bytes; empty only when a Topic Alias stands for it (3.3.2.3.4).</summary>
    public ReadOnlySpan<byte> TopicUtf8 => _layout.Topic.Of(_body);

    public byte? PayloadFormatIndicator => _layout.PayloadFormatIndicator;

    public uint? MessageExpiryInterval => _layout.MessageExpiryInterval;

    public ushort? TopicAlias => _layout.TopicAlias;

    /// <summary>True when the client sent a Subscription Identifier, which it must not (3.3.4 MQTT-3.3.4-6): the caller answers 0x82.</summary>
    public bool HasSubscriptionIdentifier => _layout.HasSubscriptionIdentifier;

    public bool HasContentType => _layout.ContentType.IsPresent;

    public ReadOnlySpan<byte> ContentTypeUtf8 => _layout.ContentType.Of(_body);

    public bool HasResponseTopic => _layout.ResponseTopic.IsPresent;

    public ReadOnlySpan<byte> ResponseTopicUtf8 => _layout.ResponseTopic.Of(_body);

    public bool HasCorrelationData => _layout.CorrelationData.IsPresent;

    public ReadOnlySpan<byte> CorrelationData => _layout.CorrelationData.Of(_body);

    public int UserPropertyCount => _layout.UserPropertyCount;

    /// <summary>The User Properties in the order sent.</summary>
    public UserPropertyEnumerator UserProperties => new(_layout.Properties.Of(_body), _layout.Properties.Start);

    public ReadOnlySpan<byte> Payload => _body[_layout.PayloadStart..];

    /// <summary>The whole packet's size in bytes, fixed header included (section 2.1.4).</summary>
    public int Size => PublishPacket.PacketSize(_body.Length);

    /// <summary>Validates <paramref name="body"/> as a PUBLISH with fixed header <paramref name="flags"/> (section 3.3).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, byte flags, out PublishView view, out PacketError error)
    {
        var valid = PublishLayout.TryParse(body, flags, out var layout, out error);
        view = valid ? new PublishView(body, layout) : default;
        return valid;
    }

    /// <summary>Decodes the Topic Name into a string (allocates).</summary>
    public string GetTopic() => Encoding.UTF8.GetString(TopicUtf8);

    /// <summary>A <see cref="PublishPacket"/> owning a copy of these bytes.</summary>
    public PublishPacket ToPacket() => new(_body, _layout);
}
