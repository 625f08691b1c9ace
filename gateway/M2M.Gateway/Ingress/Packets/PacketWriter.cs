using System.Buffers;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// Encodes the packets the gateway sends (MQTT 5 chapter 3), each straight into the connection's
/// <see cref="IBufferWriter{T}"/> with no intermediate buffer: the body is measured once, then
/// written into the one span the writer hands out. Reason Strings are dropped where they would
/// make a packet larger than the client's Maximum Packet Size (MQTT-3.2.2-19, MQTT-3.4.2-2,
/// MQTT-3.9.2-1, MQTT-3.11.2-1, MQTT-3.14.2-3); a maximum of 0 means the client set none.
/// Arguments MQTT cannot carry (a reason code outside the packet's table, a string over 65,535
/// bytes or with U+0000, a wildcard topic) throw <see cref="ArgumentException"/>: they are bugs
/// of the caller, never input from the network.
/// </summary>
public static class PacketWriter
{
    /// <summary>CONNACK (3.2). Session Present only with reason code 0x00 (MQTT-3.2.2-6).</summary>
    public static void WriteConnAck(IBufferWriter<byte> writer, bool sessionPresent, ReasonCode code, in ConnAckProperties properties, uint maximumPacketSize = 0)
    {
        RequireCode(ReasonCodeTables.ConnAck, code);
        if (sessionPresent && code != ReasonCode.Success)
        {
            throw new ArgumentException("A CONNACK that refuses has Session Present 0 (MQTT-3.2.2-6).", nameof(sessionPresent));
        }

        if (properties.ReasonString is null || !TryWrite(writer, PacketType.ConnAck, 0, new ConnAckBody(sessionPresent, code, properties), maximumPacketSize))
        {
            TryWrite(writer, PacketType.ConnAck, 0, new ConnAckBody(sessionPresent, code, properties with { ReasonString = null }), 0);
        }
    }

    /// <summary>The MQTT 3.1.1 CONNACK (3.1.1 section 3.2): 4 bytes with a return code, to refuse a 3.1.1 client (0x01 unacceptable protocol version).</summary>
    public static void WriteConnAck311(IBufferWriter<byte> writer, byte returnCode)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(returnCode, (byte)5);
        var span = writer.GetSpan(4);
        span[0] = (byte)PacketType.ConnAck << 4;
        span[1] = 2;
        span[2] = 0;
        span[3] = returnCode;
        writer.Advance(4);
    }

    /// <summary>PUBACK (3.4): the 2-byte body for a success without reason string (3.4.2.1).</summary>
    public static void WritePubAck(IBufferWriter<byte> writer, ushort packetId, ReasonCode code, string? reasonString, uint maximumPacketSize)
    {
        RequireCode(ReasonCodeTables.PubAck, code);
        RequirePacketId(packetId);
        if (reasonString is null || !TryWrite(writer, PacketType.PubAck, 0, new PubAckBody(packetId, code, reasonString), maximumPacketSize))
        {
            TryWrite(writer, PacketType.PubAck, 0, new PubAckBody(packetId, code, null), 0);
        }
    }

    /// <summary>SUBACK (3.9): one reason code per Topic Filter, in the SUBSCRIBE's order (MQTT-3.9.3-1).</summary>
    public static void WriteSubAck(IBufferWriter<byte> writer, ushort packetId, ReadOnlySpan<ReasonCode> codes, string? reasonString, uint maximumPacketSize) =>
        WriteReasonCodes(writer, PacketType.SubAck, ReasonCodeTables.SubAck, packetId, codes, reasonString, maximumPacketSize);

    /// <summary>UNSUBACK (3.11): one reason code per Topic Filter, in the UNSUBSCRIBE's order (MQTT-3.11.3-1).</summary>
    public static void WriteUnsubAck(IBufferWriter<byte> writer, ushort packetId, ReadOnlySpan<ReasonCode> codes, string? reasonString, uint maximumPacketSize) =>
        WriteReasonCodes(writer, PacketType.UnsubAck, ReasonCodeTables.UnsubAck, packetId, codes, reasonString, maximumPacketSize);

    /// <summary>PINGRESP (3.13).</summary>
    public static void WritePingResp(IBufferWriter<byte> writer)
    {
        var span = writer.GetSpan(2);
        span[0] = (byte)PacketType.PingResp << 4;
        span[1] = 0;
        writer.Advance(2);
    }

    /// <summary>DISCONNECT from the server (3.14): the empty body for 0x00 without reason string (3.14.2.1).</summary>
    public static void WriteDisconnect(IBufferWriter<byte> writer, ReasonCode code, string? reasonString, uint maximumPacketSize)
    {
        // 0x04 (Disconnect with Will Message) is the client's alone (Table 3-10).
        if (code == ReasonCode.DisconnectWithWillMessage)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "only a client sends DISCONNECT 0x04");
        }

        RequireCode(ReasonCodeTables.Disconnect, code);
        if (reasonString is null || !TryWrite(writer, PacketType.Disconnect, 0, new DisconnectBody(code, reasonString), maximumPacketSize))
        {
            TryWrite(writer, PacketType.Disconnect, 0, new DisconnectBody(code, null), 0);
        }
    }

    /// <summary>
    /// PUBLISH to a client (3.3): QoS 0 without Packet Identifier, QoS 1 or 2 with a non-zero one;
    /// DUP only with QoS 1 or 2. Returns false, writing nothing, when the packet would exceed the
    /// client's <paramref name="maximumPacketSize"/>: the server then discards it (MQTT-3.1.2-25).
    /// </summary>
    public static bool WritePublish(
        IBufferWriter<byte> writer,
        string topic,
        ushort packetId,
        int qos,
        bool dup,
        ReadOnlySpan<byte> payload,
        string? contentType,
        ReadOnlySpan<(string Name, string Value)> userProperties,
        uint maximumPacketSize = 0)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(qos);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(qos, 2);
        if (qos == 0 ? packetId != 0 || dup : packetId == 0)
        {
            throw new ArgumentException("QoS 0 has no Packet Identifier and no DUP; QoS 1 and 2 need a non-zero Packet Identifier (MQTT 5 sections 2.2.1, 3.3.1.1).", nameof(packetId));
        }

        if (topic.AsSpan().ContainsAny('+', '#') || topic.Length == 0)
        {
            throw new ArgumentException("A Topic Name has at least one character and no wildcard (MQTT 5 section 4.7).", nameof(topic));
        }

        var flags = (byte)((dup ? 0b1000 : 0) | (qos << 1));
        return TryWrite(writer, PacketType.Publish, flags, new PublishBody(topic, packetId, payload, contentType, userProperties), maximumPacketSize);
    }

    private static void WriteReasonCodes(
        IBufferWriter<byte> writer, PacketType type, ReadOnlySpan<byte> table, ushort packetId, ReadOnlySpan<ReasonCode> codes, string? reasonString, uint maximumPacketSize)
    {
        RequirePacketId(packetId);
        if (codes.IsEmpty)
        {
            throw new ArgumentException("SUBACK and UNSUBACK carry one reason code per Topic Filter, at least one.", nameof(codes));
        }

        foreach (var code in codes)
        {
            RequireCode(table, code);
        }

        if (reasonString is null || !TryWrite(writer, type, 0, new ReasonCodesBody(packetId, codes, reasonString), maximumPacketSize))
        {
            TryWrite(writer, type, 0, new ReasonCodesBody(packetId, codes, null), 0);
        }
    }

    /// <summary>Measures <paramref name="body"/>, then writes the fixed header and the body, unless the packet would exceed <paramref name="maximumPacketSize"/>.</summary>
    private static bool TryWrite<TBody>(IBufferWriter<byte> writer, PacketType type, byte flags, scoped in TBody body, uint maximumPacketSize)
        where TBody : IPacketPart, allows ref struct
    {
        var remainingLength = PacketSpanWriter.Measure(body);
        var size = PublishPacket.PacketSize(remainingLength);
        if (maximumPacketSize != 0 && (uint)size > maximumPacketSize)
        {
            return false;
        }

        var packet = new PacketSpanWriter(writer.GetSpan(size));
        packet.WriteByte((byte)((byte)type << 4 | flags));
        packet.WriteVariableByteInteger(remainingLength);
        body.Write(ref packet);
        writer.Advance(size);
        return true;
    }

    private static void RequireCode(ReadOnlySpan<byte> table, ReasonCode code)
    {
        if (!table.Contains((byte)code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "not a reason code of this packet (MQTT 5 chapter 3)");
        }
    }

    private static void RequirePacketId(ushort packetId) => ArgumentOutOfRangeException.ThrowIfZero(packetId);

    /// <summary>Properties that are only a Reason String (PUBACK 3.4.2.2, SUBACK 3.9.2.1, UNSUBACK 3.11.2.1, DISCONNECT 3.14.2.2).</summary>
    private readonly struct ReasonStringProperties(string? reasonString) : IPacketPart
    {
        public void Write(scoped ref PacketSpanWriter writer) => writer.WriteProperty(PropertyId.ReasonString, reasonString);
    }

    private readonly struct ConnAckBody(bool sessionPresent, ReasonCode code, ConnAckProperties properties) : IPacketPart
    {
        public void Write(scoped ref PacketSpanWriter writer)
        {
            writer.WriteByte(sessionPresent ? (byte)1 : (byte)0);
            writer.WriteByte((byte)code);
            writer.WriteProperties(properties);
        }
    }

    /// <summary>PUBACK body: the reason code and Property Length are left out when not needed (3.4.2.1, 3.4.2.2.1).</summary>
    private readonly struct PubAckBody(ushort packetId, ReasonCode code, string? reasonString) : IPacketPart
    {
        public void Write(scoped ref PacketSpanWriter writer)
        {
            writer.WriteUInt16(packetId);
            if (code != ReasonCode.Success || reasonString is not null)
            {
                writer.WriteByte((byte)code);
            }

            if (reasonString is not null)
            {
                writer.WriteProperties(new ReasonStringProperties(reasonString));
            }
        }
    }

    private readonly ref struct ReasonCodesBody(ushort packetId, ReadOnlySpan<ReasonCode> codes, string? reasonString) : IPacketPart
    {
        private readonly ReadOnlySpan<ReasonCode> _codes = codes;

        public void Write(scoped ref PacketSpanWriter writer)
        {
            writer.WriteUInt16(packetId);
            writer.WriteProperties(new ReasonStringProperties(reasonString));
            foreach (var code in _codes)
            {
                writer.WriteByte((byte)code);
            }
        }
    }

    /// <summary>DISCONNECT body: the reason code and Property Length are left out when not needed (3.14.2.1, 3.14.2.2.1).</summary>
    private readonly struct DisconnectBody(ReasonCode code, string? reasonString) : IPacketPart
    {
        public void Write(scoped ref PacketSpanWriter writer)
        {
            if (code != ReasonCode.Success || reasonString is not null)
            {
                writer.WriteByte((byte)code);
            }

            if (reasonString is not null)
            {
                writer.WriteProperties(new ReasonStringProperties(reasonString));
            }
        }
    }

    private readonly ref struct PublishBody(string topic, ushort packetId, ReadOnlySpan<byte> payload, string? contentType, ReadOnlySpan<(string Name, string Value)> userProperties) : IPacketPart
    {
        private readonly ReadOnlySpan<byte> _payload = payload;
        private readonly ReadOnlySpan<(string Name, string Value)> _userProperties = userProperties;

        public void Write(scoped ref PacketSpanWriter writer)
        {
            writer.WriteString(topic);
            if (packetId != 0)
            {
                writer.WriteUInt16(packetId);
            }

            writer.WriteProperties(new PublishProperties(contentType, _userProperties));
            writer.WriteBytes(_payload);
        }
    }

    /// <summary>The Content Type (3.3.2.3.9) and the User Properties in the order given (MQTT-3.3.2-18).</summary>
    private readonly ref struct PublishProperties(string? contentType, ReadOnlySpan<(string Name, string Value)> userProperties) : IPacketPart
    {
        private readonly ReadOnlySpan<(string Name, string Value)> _userProperties = userProperties;

        public void Write(scoped ref PacketSpanWriter writer)
        {
            writer.WriteProperty(PropertyId.ContentType, contentType);
            foreach (var (name, value) in _userProperties)
            {
                writer.WriteUserProperty(name, value);
            }
        }
    }
}
