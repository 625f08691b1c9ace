using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// A CONNECT (MQTT 5 section 3.1). The protocol name and level come first: a CONNECT of MQTT 3.1
/// ("MQIsdp") or of another level of "MQTT" is returned after them with
/// <see cref="IsSupportedLevel"/> false and nothing else read, so the caller answers it (CONNACK
/// 0x84, or the MQTT 3.1.1 return code 0x01 to a level 4 client). An MQTT 5 CONNECT is validated
/// whole: connect flags (3.1.2.3-3.1.2.9), properties (3.1.2.11), Will Properties, Will Topic and
/// Will Payload (3.1.3.2-3.1.3.4), then Client Identifier, User Name and Password, nothing after.
/// Left to the caller: what a Client Identifier may be, authentication, whether a Will, a Will QoS
/// or Will Retain is supported, extended authentication (an Authentication Method), and limits.
/// The password is a secret: this type has no ToString that shows it, and it must not be logged.
/// </summary>
public sealed class ConnectPacket
{
    private const byte Mqtt5 = 5;

    /// <summary>"MQTT", or "MQIsdp" for MQTT 3.1.</summary>
    public required string ProtocolName { get; init; }

    /// <summary>The Protocol Version byte (3.1.2.2): 5 for MQTT 5, 4 for 3.1.1, 3 for 3.1.</summary>
    public byte ProtocolLevel { get; init; }

    /// <summary>False for anything but "MQTT" level 5; then no other field was read.</summary>
    public bool IsSupportedLevel => ProtocolLevel == Mqtt5 && ProtocolName == "MQTT";

    public bool CleanStart { get; init; }

    public ushort KeepAliveSeconds { get; init; }

    /// <summary>Session Expiry Interval (3.1.2.11.2); 0 when absent.</summary>
    public uint SessionExpiryInterval { get; init; }

    /// <summary>Receive Maximum (3.1.2.11.3); 65,535 when absent.</summary>
    public ushort ReceiveMaximum { get; init; } = ushort.MaxValue;

    /// <summary>Maximum Packet Size (3.1.2.11.4); 0 when absent, which means no limit (0 itself is refused on the wire).</summary>
    public uint MaximumPacketSize { get; init; }

    /// <summary>Topic Alias Maximum (3.1.2.11.5); 0 when absent.</summary>
    public ushort TopicAliasMaximum { get; init; }

    /// <summary>Request Response Information (3.1.2.11.6); false when absent.</summary>
    public bool RequestResponseInformation { get; init; }

    /// <summary>Request Problem Information (3.1.2.11.7); true when absent.</summary>
    public bool RequestProblemInformation { get; init; } = true;

    public int UserPropertyCount { get; init; }

    /// <summary>Authentication Method (3.1.2.11.9): extended authentication was requested.</summary>
    public string? AuthenticationMethod { get; init; }

    public byte[]? AuthenticationData { get; init; }

    public string ClientId { get; init; } = "";

    public bool HasWill { get; init; }

    public int WillQoS { get; init; }

    public bool WillRetain { get; init; }

    public string? WillTopic { get; init; }

    public byte[]? WillPayload { get; init; }

    public string? UserName { get; init; }

    /// <summary>The Password field (3.1.3.6): binary, any credential. A secret.</summary>
    public byte[]? Password { get; init; }

    /// <summary>Validates <paramref name="body"/> as a CONNECT (section 3.1).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, [NotNullWhen(true)] out ConnectPacket? packet, out PacketError error)
    {
        packet = Decode(body, out error);
        return packet is not null;
    }

    private static ConnectPacket? Decode(ReadOnlySpan<byte> body, out PacketError error)
    {
        var reader = new PacketReader(body);

        // 3.1.2.1-3.1.2.2: the name and level are read before anything else can be judged, so an
        // older client is told its version is not supported rather than that its packet is malformed.
        if (!reader.TryReadBinary(out var name, out error) || !reader.TryReadByte(out var level, out error))
        {
            return null;
        }

        var protocolName = name.SequenceEqual("MQTT"u8) ? "MQTT" : name.SequenceEqual("MQIsdp"u8) ? "MQIsdp" : null;
        if (protocolName is null)
        {
            error = PacketErrors.BadProtocolName;
            return null;
        }

        if (protocolName != "MQTT" || level != Mqtt5)
        {
            return new ConnectPacket { ProtocolName = protocolName, ProtocolLevel = level };
        }

        if (!reader.TryReadByte(out var flags, out error) || !TryCheckFlags(flags, out error)
            || !reader.TryReadUInt16(out var keepAlive, out error)
            || !PropertyReader.TryOpen(ref reader, PropertySets.Connect, PropertySets.Repeatable, out var properties, out error))
        {
            return null;
        }

        uint sessionExpiry = 0, maximumPacketSize = 0;
        ushort receiveMaximum = ushort.MaxValue, topicAliasMaximum = 0;
        bool requestResponse = false, requestProblem = true;
        var userProperties = 0;
        ReadOnlySpan<byte> authenticationMethod = default, authenticationData = default;
        bool hasMethod = false, hasData = false;
        while (properties.TryRead(out var property, out error) && property.Id != PropertyId.None)
        {
            switch (property.Id)
            {
                case PropertyId.SessionExpiryInterval:
                    sessionExpiry = property.Number;
                    break;
                case PropertyId.ReceiveMaximum:
                    receiveMaximum = (ushort)property.Number;
                    break;
                case PropertyId.MaximumPacketSize:
                    maximumPacketSize = property.Number;
                    break;
                case PropertyId.TopicAliasMaximum:
                    topicAliasMaximum = (ushort)property.Number;
                    break;
                case PropertyId.RequestResponseInformation:
                    requestResponse = property.Number == 1;
                    break;
                case PropertyId.RequestProblemInformation:
                    requestProblem = property.Number == 1;
                    break;
                case PropertyId.AuthenticationMethod:
                    authenticationMethod = property.Data;
                    hasMethod = true;
                    break;
                case PropertyId.AuthenticationData:
                    authenticationData = property.Data;
                    hasData = true;
                    break;
                default:
                    userProperties++;
                    break;
            }
        }

        if (error != default)
        {
            return null;
        }

        // "It is a Protocol Error to include Authentication Data if there is no Authentication Method" (3.1.2.11.10).
        if (hasData && !hasMethod)
        {
            error = PacketErrors.AuthDataWithoutMethod;
            return null;
        }

        // The payload, in the order of 3.1.3 [MQTT-3.1.3-1]: Client Identifier, Will Properties,
        // Will Topic, Will Payload, User Name, Password, each present as the flags say (3.1.2.5,
        // 3.1.2.8, 3.1.2.9 MQTT-3.1.2-9, MQTT-3.1.2-17, MQTT-3.1.2-19).
        var hasWill = (flags & 0b100) != 0;
        ReadOnlySpan<byte> willTopic = default, willPayload = default, userName = default, password = default;
        if (!reader.TryReadString(out var clientId, out error)
            || (hasWill && !TryReadWill(ref reader, out willTopic, out willPayload, out error))
            || ((flags & 0b1000_0000) != 0 && !reader.TryReadString(out userName, out error))
            || ((flags & 0b0100_0000) != 0 && !reader.TryReadBinary(out password, out error))
            || !reader.TryEnd(out error))
        {
            return null;
        }

        return new ConnectPacket
        {
            ProtocolName = protocolName,
            ProtocolLevel = level,
            CleanStart = (flags & 0b10) != 0,
            KeepAliveSeconds = keepAlive,
            SessionExpiryInterval = sessionExpiry,
            ReceiveMaximum = receiveMaximum,
            MaximumPacketSize = maximumPacketSize,
            TopicAliasMaximum = topicAliasMaximum,
            RequestResponseInformation = requestResponse,
            RequestProblemInformation = requestProblem,
            UserPropertyCount = userProperties,
            AuthenticationMethod = hasMethod ? Encoding.UTF8.GetString(authenticationMethod) : null,
            AuthenticationData = hasData ? authenticationData.ToArray() : null,
            ClientId = Encoding.UTF8.GetString(clientId),
            HasWill = hasWill,
            WillQoS = (flags >> 3) & 3,
            WillRetain = (flags & 0b10_0000) != 0,
            WillTopic = hasWill ? Encoding.UTF8.GetString(willTopic) : null,
            WillPayload = hasWill ? willPayload.ToArray() : null,
            UserName = (flags & 0b1000_0000) != 0 ? Encoding.UTF8.GetString(userName) : null,
            Password = (flags & 0b0100_0000) != 0 ? password.ToArray() : null,
        };
    }

    /// <summary>The Will Properties (3.1.3.2), Will Topic (3.1.3.3, a Topic Name) and Will Payload (3.1.3.4).</summary>
    private static bool TryReadWill(scoped ref PacketReader reader, out ReadOnlySpan<byte> topic, out ReadOnlySpan<byte> payload, out PacketError error)
    {
        topic = payload = default;
        if (!PropertyReader.TryOpen(ref reader, PropertySets.Will, PropertySets.Repeatable, out var properties, out error))
        {
            return false;
        }

        while (properties.TryRead(out var property, out error) && property.Id != PropertyId.None)
        {
            // Validated by the reader; the gateway keeps none of them (it does not publish Wills).
        }

        if (error != default || !reader.TryReadString(out topic, out error))
        {
            return false;
        }

        if (TopicNames.Error(topic) is { } topicError)
        {
            error = topicError;
            return false;
        }

        return reader.TryReadBinary(out payload, out error);
    }

    /// <summary>The Connect Flags (3.1.2.3): reserved bit 0 clear; Will QoS and Will Retain only with the Will Flag, Will QoS not 3.</summary>
    private static bool TryCheckFlags(byte flags, out PacketError error)
    {
        var will = (flags & 0b100) != 0;
        var willQoS = (flags >> 3) & 3;
        var willRetain = (flags & 0b10_0000) != 0;
        error = (flags & 1) != 0 ? PacketErrors.ReservedFlags // MQTT-3.1.2-3
            : !will && (willQoS != 0 || willRetain) ? PacketErrors.BadWillFlags // MQTT-3.1.2-11, MQTT-3.1.2-13
            : willQoS == 3 ? PacketErrors.BadQoS // 3.1.2.6
            : default;
        return error == default;
    }
}
