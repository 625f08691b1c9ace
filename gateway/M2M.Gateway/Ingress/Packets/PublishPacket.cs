using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// A PUBLISH (MQTT 5 section 3.3) that owns its bytes, for the ingress hot path. Decoding it
/// allocates this object, one array (the body's copy, followed by an index of the User Properties)
/// and two strings: the Topic Name and, when present, the Content Type. Payload, User Properties,
/// Response Topic and Correlation Data are ranges of the copy; User Properties decode to strings
/// only on request. Validated as <see cref="PublishView"/> is; what the decoder leaves to the
/// caller: the topic length limit, Topic Aliases (an empty topic comes with one), the QoS the
/// gateway supports (QoS 2 decodes), <see cref="HasSubscriptionIdentifier"/>, Payload Format
/// Indicator 1 (the payload MAY be checked as UTF-8, 3.3.2.3.2), and every limit on sizes and counts.
/// </summary>
public sealed class PublishPacket
{
    // The body, then one little-endian Int32 per User Property: the offset of its name's length.
    private readonly byte[] _buffer;
    private readonly int _bodyLength;
    private readonly PublishLayout _layout;

    internal PublishPacket(ReadOnlySpan<byte> body, PublishLayout layout)
    {
        _layout = layout;
        _bodyLength = body.Length;
        _buffer = GC.AllocateUninitializedArray<byte>(body.Length + (sizeof(int) * layout.UserPropertyCount));
        body.CopyTo(_buffer);
        var index = _buffer.AsSpan(body.Length);
        var userProperties = new UserPropertyEnumerator(layout.Properties.Of(_buffer), layout.Properties.Start);
        while (userProperties.MoveNext())
        {
            BinaryPrimitives.WriteInt32LittleEndian(index, userProperties.CurrentOffset);
            index = index[sizeof(int)..];
        }

        Topic = Encoding.UTF8.GetString(layout.Topic.Of(body));
        ContentType = layout.ContentType.IsPresent ? Encoding.UTF8.GetString(layout.ContentType.Of(body)) : null;
    }

    public int QoS => _layout.QoS;

    public bool Dup => _layout.Dup;

    public bool Retain => _layout.Retain;

    /// <summary>The Packet Identifier of a QoS 1 or 2 message; 0 for QoS 0.</summary>
    public ushort PacketId => _layout.PacketId;

    /// <summary>The Topic Name; empty only when a Topic Alias stands for it (3.3.2.3.4).</summary>
    public string Topic { get; }

    public ReadOnlyMemory<byte> TopicUtf8 => Range(_layout.Topic);

    public byte? PayloadFormatIndicator => _layout.PayloadFormatIndicator;

    public uint? MessageExpiryInterval => _layout.MessageExpiryInterval;

    public ushort? TopicAlias => _layout.TopicAlias;

    /// <summary>True when the client sent a Subscription Identifier, which it must not (3.3.4 MQTT-3.3.4-6): the caller answers 0x82.</summary>
    public bool HasSubscriptionIdentifier => _layout.HasSubscriptionIdentifier;

    /// <summary>The Content Type (3.3.2.3.9), or null.</summary>
    public string? ContentType { get; }

    /// <summary>The Response Topic's UTF-8 bytes (3.3.2.3.5), or null.</summary>
    public ReadOnlyMemory<byte>? ResponseTopicUtf8 => Optional(_layout.ResponseTopic);

    /// <summary>The Correlation Data (3.3.2.3.6), or null.</summary>
    public ReadOnlyMemory<byte>? CorrelationData => Optional(_layout.CorrelationData);

    public int UserPropertyCount => _layout.UserPropertyCount;

    /// <summary>The application message (3.3.3); may be empty.</summary>
    public ReadOnlyMemory<byte> Payload => _buffer.AsMemory(_layout.PayloadStart, _bodyLength - _layout.PayloadStart);

    /// <summary>The whole packet's size in bytes, fixed header included (section 2.1.4), for logs and limits.</summary>
    public int Size => PacketSize(_bodyLength);

    /// <summary>Validates <paramref name="body"/> as a PUBLISH with fixed header <paramref name="flags"/> and copies it.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, byte flags, [NotNullWhen(true)] out PublishPacket? packet, out PacketError error)
    {
        packet = PublishLayout.TryParse(body, flags, out var layout, out error) ? new PublishPacket(body, layout) : null;
        return packet is not null;
    }

    /// <summary>The UTF-8 bytes of the name of User Property <paramref name="index"/> (in the order sent).</summary>
    public ReadOnlySpan<byte> UserPropertyName(int index)
    {
        var at = UserPropertyAt(index);
        return _buffer.AsSpan(at + 2, BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(at)));
    }

    /// <summary>The UTF-8 bytes of the value of User Property <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> UserPropertyValue(int index)
    {
        var at = UserPropertyAt(index);
        at += 2 + BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(at));
        return _buffer.AsSpan(at + 2, BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(at)));
    }

    /// <summary>The name of User Property <paramref name="index"/> as a string (allocates).</summary>
    public string GetUserPropertyName(int index) => Encoding.UTF8.GetString(UserPropertyName(index));

    /// <summary>The value of User Property <paramref name="index"/> as a string (allocates).</summary>
    public string GetUserPropertyValue(int index) => Encoding.UTF8.GetString(UserPropertyValue(index));

    /// <summary>The Response Topic as a string (allocates), or null.</summary>
    public string? GetResponseTopic() => _layout.ResponseTopic.IsPresent ? Encoding.UTF8.GetString(_layout.ResponseTopic.Of(_buffer)) : null;

    /// <summary>The size of a packet whose body is <paramref name="bodyLength"/> bytes: the type byte, the Remaining Length, the body.</summary>
    internal static int PacketSize(int bodyLength) => 1 + VariableByteInteger.Size(bodyLength) + bodyLength;

    private int UserPropertyAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, UserPropertyCount);
        return BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_bodyLength + (sizeof(int) * index)));
    }

    private ReadOnlyMemory<byte> Range(Segment segment) => _buffer.AsMemory(segment.Start, segment.Length);

    // Not "? Range(segment) : null": null would convert to an empty ReadOnlyMemory (from a null
    // array), and an absent property would read as present and empty.
    private ReadOnlyMemory<byte>? Optional(Segment segment) => segment.IsPresent ? Range(segment) : default(ReadOnlyMemory<byte>?);
}
