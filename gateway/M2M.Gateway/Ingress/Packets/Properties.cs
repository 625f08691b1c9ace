namespace M2M.Gateway.Ingress.Packets;

/// <summary>The property identifiers of MQTT 5 section 2.2.2.2, Table 2-4.</summary>
internal enum PropertyId : byte
{
    /// <summary>Not a property: what <see cref="PropertyReader.TryRead"/> returns at the end of the block.</summary>
    None = 0,
    PayloadFormatIndicator = 0x01,
    MessageExpiryInterval = 0x02,
    ContentType = 0x03,
    ResponseTopic = 0x08,
    CorrelationData = 0x09,
    SubscriptionIdentifier = 0x0B,
    SessionExpiryInterval = 0x11,
    AssignedClientIdentifier = 0x12,
    ServerKeepAlive = 0x13,
    AuthenticationMethod = 0x15,
    AuthenticationData = 0x16,
    RequestProblemInformation = 0x17,
    WillDelayInterval = 0x18,
    RequestResponseInformation = 0x19,
    ResponseInformation = 0x1A,
    ServerReference = 0x1C,
    ReasonString = 0x1F,
    ReceiveMaximum = 0x21,
    TopicAliasMaximum = 0x22,
    TopicAlias = 0x23,
    MaximumQoS = 0x24,
    RetainAvailable = 0x25,
    UserProperty = 0x26,
    MaximumPacketSize = 0x27,
    WildcardSubscriptionAvailable = 0x28,
    SubscriptionIdentifierAvailable = 0x29,
    SharedSubscriptionAvailable = 0x2A,
}

/// <summary>
/// Which properties each packet (or the Will Properties of a CONNECT) may carry, from Table 2-4
/// (section 2.2.2.2), as bit sets over the identifiers (all below 64). Anything else in the block
/// is a Malformed Packet.
/// </summary>
internal static class PropertySets
{
    public const ulong Connect = 1UL << (int)PropertyId.SessionExpiryInterval | 1UL << (int)PropertyId.ReceiveMaximum
        | 1UL << (int)PropertyId.MaximumPacketSize | 1UL << (int)PropertyId.TopicAliasMaximum
        | 1UL << (int)PropertyId.RequestResponseInformation | 1UL << (int)PropertyId.RequestProblemInformation
        | 1UL << (int)PropertyId.UserProperty | 1UL << (int)PropertyId.AuthenticationMethod | 1UL << (int)PropertyId.AuthenticationData;

    /// <summary>The Will Properties (3.1.3.2).</summary>
    public const ulong Will = ApplicationMessage | 1UL << (int)PropertyId.WillDelayInterval;

    /// <summary>PUBLISH (3.3.2.3). The Subscription Identifier is the server's to send (3.3.4 MQTT-3.3.4-6): decoded and flagged, not refused here.</summary>
    public const ulong Publish = ApplicationMessage | 1UL << (int)PropertyId.TopicAlias | 1UL << (int)PropertyId.SubscriptionIdentifier;

    /// <summary>PUBACK (3.4.2.2); PUBREC, PUBREL and PUBCOMP carry the same.</summary>
    public const ulong Acknowledgement = 1UL << (int)PropertyId.ReasonString | 1UL << (int)PropertyId.UserProperty;

    /// <summary>SUBSCRIBE (3.8.2.1).</summary>
    public const ulong Subscribe = 1UL << (int)PropertyId.SubscriptionIdentifier | 1UL << (int)PropertyId.UserProperty;

    /// <summary>UNSUBSCRIBE (3.10.2.1).</summary>
    public const ulong Unsubscribe = 1UL << (int)PropertyId.UserProperty;

    /// <summary>DISCONNECT (3.14.2.2).</summary>
    public const ulong Disconnect = 1UL << (int)PropertyId.SessionExpiryInterval | 1UL << (int)PropertyId.ReasonString
        | 1UL << (int)PropertyId.ServerReference | 1UL << (int)PropertyId.UserProperty;

    /// <summary>AUTH (3.15.2.2).</summary>
    public const ulong Auth = 1UL << (int)PropertyId.AuthenticationMethod | 1UL << (int)PropertyId.AuthenticationData
        | 1UL << (int)PropertyId.ReasonString | 1UL << (int)PropertyId.UserProperty;

    /// <summary>User Property may always repeat (2.2.2.2); a PUBLISH may carry several Subscription Identifiers (3.3.2.3.8).</summary>
    public const ulong RepeatableInPublish = 1UL << (int)PropertyId.UserProperty | 1UL << (int)PropertyId.SubscriptionIdentifier;

    public const ulong Repeatable = 1UL << (int)PropertyId.UserProperty;

    /// <summary>What a PUBLISH and a Will Message share (3.3.2.3, 3.1.3.2).</summary>
    private const ulong ApplicationMessage = 1UL << (int)PropertyId.PayloadFormatIndicator | 1UL << (int)PropertyId.MessageExpiryInterval
        | 1UL << (int)PropertyId.ContentType | 1UL << (int)PropertyId.ResponseTopic | 1UL << (int)PropertyId.CorrelationData
        | 1UL << (int)PropertyId.UserProperty;
}

/// <summary>
/// One property as read: integer types in <see cref="Number"/>, a string or binary value in
/// <see cref="Data"/> (a User Property's name; its value in <see cref="Value"/>), and where the
/// data starts in the packet body (<see cref="DataOffset"/>).
/// </summary>
internal readonly ref struct Property(PropertyId id, uint number, ReadOnlySpan<byte> data, ReadOnlySpan<byte> value, int dataOffset)
{
    public PropertyId Id { get; } = id;

    public uint Number { get; } = number;

    public ReadOnlySpan<byte> Data { get; } = data;

    public ReadOnlySpan<byte> Value { get; } = value;

    /// <summary>The offset of <see cref="Data"/> in the packet body.</summary>
    public int DataOffset { get; } = dataOffset;
}

/// <summary>
/// Reads a properties block (Property Length, then properties; section 2.2.2) and validates each
/// property: identifier known and allowed for the packet (2.2.2.2, Malformed), at most once unless
/// repeatable (Protocol Error), a value of its data type inside the block, and the value rules the
/// property's own section states (0 or 1 only; Receive Maximum, Maximum Packet Size, Topic Alias
/// and Subscription Identifier not 0; a Response Topic is a Topic Name). Unvalidated mode walks a
/// block validated before, to find properties again without repeating the checks.
/// </summary>
internal ref struct PropertyReader
{
    private const byte ByteType = 1;
    private const byte TwoByteType = 2;
    private const byte FourByteType = 3;
    private const byte VariableByteType = 4;
    private const byte StringType = 5;
    private const byte BinaryType = 6;
    private const byte StringPairType = 7;

    private readonly ulong _allowed;
    private readonly ulong _repeatable;
    private readonly bool _validate;
    private PacketReader _reader;
    private ulong _seen;

    private PropertyReader(ReadOnlySpan<byte> block, int origin, ulong allowed, ulong repeatable, bool validate)
    {
        _reader = new PacketReader(block, origin);
        Start = origin;
        Length = block.Length;
        _allowed = allowed;
        _repeatable = repeatable;
        _validate = validate;
    }

    /// <summary>The data type of each identifier (Table 2-4), indexed by identifier; 0 for identifiers MQTT 5 does not define.</summary>
    private static ReadOnlySpan<byte> Types =>
    [
        0, ByteType, FourByteType, StringType, 0, 0, 0, 0, StringType, BinaryType, 0, VariableByteType, 0, 0, 0, 0, // 0x00-0x0F
        0, FourByteType, StringType, TwoByteType, 0, StringType, BinaryType, ByteType, FourByteType, ByteType, StringType, 0, StringType, 0, 0, StringType, // 0x10-0x1F
        0, TwoByteType, TwoByteType, TwoByteType, ByteType, ByteType, StringPairType, FourByteType, ByteType, ByteType, ByteType, // 0x20-0x2A
    ];

    /// <summary>The block's offset in the packet body.</summary>
    public int Start { get; }

    /// <summary>The block's length in bytes (the Property Length's value).</summary>
    public int Length { get; }

    /// <summary>Reads the Property Length at <paramref name="body"/>'s position and the block it announces.</summary>
    public static bool TryOpen(scoped ref PacketReader body, ulong allowed, ulong repeatable, out PropertyReader properties, out PacketError error)
    {
        properties = default;
        if (!body.TryReadVariableByteInteger(out var length, out error))
        {
            return false;
        }

        var origin = body.Position;
        if (!body.TryTake(length, out var block, out _))
        {
            error = PacketErrors.BadPropertyLength;
            return false;
        }

        properties = new PropertyReader(block, origin, allowed, repeatable, validate: true);
        return true;
    }

    /// <summary>Walks a block that an earlier <see cref="TryOpen"/> reader validated, starting at <paramref name="origin"/> in the body.</summary>
    public static PropertyReader Unvalidated(ReadOnlySpan<byte> block, int origin) => new(block, origin, ulong.MaxValue, ulong.MaxValue, validate: false);

    /// <summary>The next property, or one with <see cref="PropertyId.None"/> at the end of the block; false with the error when it is refused.</summary>
    public bool TryRead(out Property property, out PacketError error)
    {
        property = default;
        error = default;
        if (_reader.End)
        {
            return true;
        }

        if (!_reader.TryReadVariableByteInteger(out var identifier, out error))
        {
            return Refuse(ref error);
        }

        var type = identifier < Types.Length ? Types[identifier] : (byte)0;
        var id = (PropertyId)identifier;
        if (type == 0)
        {
            error = PacketErrors.UnknownProperty;
            return false;
        }

        if (_validate && !TryAdmit(id, out error))
        {
            return false;
        }

        // String, binary and pair values start with their Two Byte Integer length.
        var dataOffset = _reader.Position + 2;
        uint number = 0;
        ReadOnlySpan<byte> data = default;
        ReadOnlySpan<byte> value = default;
        var read = type switch
        {
            ByteType => _reader.TryReadByte(out var b, out error) && Set(out number, b),
            TwoByteType => _reader.TryReadUInt16(out var s, out error) && Set(out number, s),
            FourByteType => _reader.TryReadUInt32(out number, out error),
            VariableByteType => _reader.TryReadVariableByteInteger(out var v, out error) && Set(out number, (uint)v),
            StringType => TryReadString(out data, out error),
            BinaryType => _reader.TryReadBinary(out data, out error),
            _ => TryReadString(out data, out error) && TryReadString(out value, out error),
        };
        if (!read)
        {
            return Refuse(ref error);
        }

        if (_validate && ValueError(id, number, data) is { } valueError)
        {
            error = valueError;
            return false;
        }

        property = new Property(id, number, data, value, dataOffset);
        return true;
    }

    private bool TryReadString(out ReadOnlySpan<byte> value, out PacketError error) =>
        _validate ? _reader.TryReadString(out value, out error) : _reader.TryReadBinary(out value, out error);

    private static bool Set(out uint number, uint value)
    {
        number = value;
        return true;
    }

    /// <summary>Inside a block, running out of bytes means the Property Length does not match its properties.</summary>
    private static bool Refuse(ref PacketError error)
    {
        if (error == PacketErrors.Truncated)
        {
            error = PacketErrors.BadPropertyLength;
        }

        return false;
    }

    private bool TryAdmit(PropertyId id, out PacketError error)
    {
        var bit = 1UL << (int)id;
        error = (_allowed & bit) == 0 ? PacketErrors.PropertyNotAllowed
            : (_seen & bit) != 0 && (_repeatable & bit) == 0 ? PacketErrors.DuplicateProperty
            : default;
        _seen |= bit;
        return error == default;
    }

    /// <summary>The value rules stated in each property's section.</summary>
    private static PacketError? ValueError(PropertyId id, uint number, ReadOnlySpan<byte> data) => id switch
    {
        // "either 0 or 1" (3.1.2.11.6, 3.1.2.11.7, 3.3.2.3.2, 3.2.2.3.4-5, 3.2.2.3.11-13).
        PropertyId.PayloadFormatIndicator or PropertyId.RequestProblemInformation or PropertyId.RequestResponseInformation
            or PropertyId.MaximumQoS or PropertyId.RetainAvailable or PropertyId.WildcardSubscriptionAvailable
            or PropertyId.SubscriptionIdentifierAvailable or PropertyId.SharedSubscriptionAvailable when number > 1 => PacketErrors.BadPropertyValue,
        PropertyId.ReceiveMaximum when number == 0 => PacketErrors.ReceiveMaximumZero,
        PropertyId.MaximumPacketSize when number == 0 => PacketErrors.MaximumPacketSizeZero,
        PropertyId.TopicAlias when number == 0 => PacketErrors.TopicAliasZero,
        PropertyId.SubscriptionIdentifier when number == 0 => PacketErrors.SubscriptionIdentifierZero,
        PropertyId.ResponseTopic => TopicNames.Error(data),
        _ => null,
    };
}

/// <summary>The rules of a Topic Name (section 4.7): at least one character (4.7.3 MQTT-4.7.3-1), no wildcards (4.7.1 MQTT-4.7.0-1).</summary>
internal static class TopicNames
{
    public static PacketError? Error(ReadOnlySpan<byte> topic) =>
        topic.IsEmpty ? PacketErrors.EmptyTopic
        : topic.IndexOfAny((byte)'+', (byte)'#') >= 0 ? PacketErrors.WildcardInTopic
        : null;
}
