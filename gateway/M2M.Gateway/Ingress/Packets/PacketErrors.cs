namespace M2M.Gateway.Ingress.Packets;

/// <summary>
/// Every refusal the codec can return, each once: its reason code and its stable label. MQTT 5
/// section 4.13 splits errors into Malformed Packet (0x81: the bytes cannot be parsed as the
/// specification defines them) and Protocol Error (0x82: parsed, but carrying what the protocol
/// forbids). Where the specification names a more specific code for a case, that code is used
/// (0x84 for a foreign protocol name, section 3.1.2.1; 0x94 for Topic Alias 0, section 3.3.4).
/// </summary>
public static class PacketErrors
{
    // Malformed Packet (0x81).

    /// <summary>Packet type 0 is reserved (section 2.1.2).</summary>
    public static readonly PacketError BadPacketType = Malformed("bad_packet_type");

    /// <summary>A reserved bit is not as required: fixed header flags (2.1.3), the CONNECT reserved flag (3.1.2.3), subscription option bits 6-7 (3.8.3.1).</summary>
    public static readonly PacketError ReservedFlags = Malformed("reserved_flags");

    /// <summary>QoS 3 in a PUBLISH (3.3.1.2) or as Will QoS (3.1.2.6).</summary>
    public static readonly PacketError BadQoS = Malformed("bad_qos");

    /// <summary>A Remaining Length longer than 4 bytes or not minimally encoded (1.5.5), or not 0 for PINGREQ/PINGRESP (3.12, 3.13).</summary>
    public static readonly PacketError BadRemainingLength = Malformed("bad_remaining_length");

    /// <summary>A field runs past the end of the packet.</summary>
    public static readonly PacketError Truncated = Malformed("truncated");

    /// <summary>A UTF-8 Encoded String that is not well-formed UTF-8, surrogates included (1.5.4, MQTT-1.5.4-1).</summary>
    public static readonly PacketError BadUtf8 = Malformed("bad_utf8");

    /// <summary>A UTF-8 Encoded String containing U+0000 (1.5.4, MQTT-1.5.4-2).</summary>
    public static readonly PacketError NullCharacter = Malformed("null_character");

    /// <summary>A Variable Byte Integer in the body longer than 4 bytes or not minimally encoded (1.5.5).</summary>
    public static readonly PacketError BadVariableByteInteger = Malformed("bad_variable_byte_integer");

    /// <summary>A Property Length beyond the packet, or a property that crosses the end of its Property Length (2.2.2.1).</summary>
    public static readonly PacketError BadPropertyLength = Malformed("bad_property_length");

    /// <summary>A property identifier MQTT 5 does not define (2.2.2.2, Table 2-4).</summary>
    public static readonly PacketError UnknownProperty = Malformed("unknown_property");

    /// <summary>A property not valid for its packet type (2.2.2.2: a Malformed Packet).</summary>
    public static readonly PacketError PropertyNotAllowed = Malformed("property_not_allowed");

    /// <summary>Bytes after the last field of a packet whose fields end before its Remaining Length.</summary>
    public static readonly PacketError TrailingBytes = Malformed("trailing_bytes");

    /// <summary>DUP set on a QoS 0 PUBLISH (3.3.1.1, MQTT-3.3.1-2): invalid flags are malformed (2.1.3).</summary>
    public static readonly PacketError DupWithQoS0 = Malformed("dup_with_qos0");

    /// <summary>Will QoS or Will Retain set without the Will Flag (3.1.2.6 MQTT-3.1.2-11, 3.1.2.7 MQTT-3.1.2-13).</summary>
    public static readonly PacketError BadWillFlags = Malformed("bad_will_flags");

    // Protocol Error (0x82).

    /// <summary>A property other than User Property (or a PUBLISH's Subscription Identifier, 3.3.2.3.8) given more than once.</summary>
    public static readonly PacketError DuplicateProperty = ProtocolError("duplicate_property");

    /// <summary>A Byte property whose only values are 0 and 1 given another (3.1.2.11.6, 3.1.2.11.7, 3.3.2.3.2, 3.2.2.3).</summary>
    public static readonly PacketError BadPropertyValue = ProtocolError("bad_property_value");

    /// <summary>Receive Maximum 0 (3.1.2.11.3).</summary>
    public static readonly PacketError ReceiveMaximumZero = ProtocolError("receive_maximum_zero");

    /// <summary>Maximum Packet Size 0 (3.1.2.11.4).</summary>
    public static readonly PacketError MaximumPacketSizeZero = ProtocolError("maximum_packet_size_zero");

    /// <summary>Subscription Identifier 0 (3.8.2.1.2, 3.3.2.3.8).</summary>
    public static readonly PacketError SubscriptionIdentifierZero = ProtocolError("subscription_identifier_zero");

    /// <summary>Authentication Data in a CONNECT without an Authentication Method (3.1.2.11.10).</summary>
    public static readonly PacketError AuthDataWithoutMethod = ProtocolError("auth_data_without_method");

    /// <summary>An AUTH with properties but no Authentication Method (3.15.2.2.2).</summary>
    public static readonly PacketError AuthMethodMissing = ProtocolError("auth_method_missing");

    /// <summary>Packet Identifier 0 where one is required (2.2.1, MQTT-2.2.1-3).</summary>
    public static readonly PacketError PacketIdZero = ProtocolError("packet_id_zero");

    /// <summary>'+' or '#' in a Topic Name: a PUBLISH topic (3.3.2.1 MQTT-3.3.2-2), a Will Topic or a Response Topic (4.7.1 MQTT-4.7.0-1, 3.3.2.3.5 MQTT-3.3.2-14).</summary>
    public static readonly PacketError WildcardInTopic = ProtocolError("wildcard_in_topic");

    /// <summary>An empty Topic Name: a PUBLISH without a Topic Alias (3.3.2.1), a Will Topic or a Response Topic (4.7.3 MQTT-4.7.3-1).</summary>
    public static readonly PacketError EmptyTopic = ProtocolError("empty_topic");

    /// <summary>A SUBSCRIBE or UNSUBSCRIBE without a Topic Filter (3.8.3 MQTT-3.8.3-2, 3.10.3 MQTT-3.10.3-2).</summary>
    public static readonly PacketError NoTopicFilter = ProtocolError("no_topic_filter");

    /// <summary>Subscription options with Maximum QoS 3 or Retain Handling 3 (3.8.3.1).</summary>
    public static readonly PacketError BadSubscriptionOptions = ProtocolError("bad_subscription_options");

    /// <summary>No Local on a Shared Subscription (3.8.3.1 MQTT-3.8.3-4).</summary>
    public static readonly PacketError NoLocalOnSharedSubscription = ProtocolError("no_local_on_shared_subscription");

    /// <summary>A reason code its packet's table does not list (3.4.2.1, 3.14.2.1, 3.15.2.1).</summary>
    public static readonly PacketError BadReasonCode = ProtocolError("bad_reason_code");

    // Codes the specification names for the case.

    /// <summary>A CONNECT whose protocol name is neither "MQTT" nor "MQIsdp" (3.1.2.1 MQTT-3.1.2-1: CONNACK 0x84, or close without one).</summary>
    public static readonly PacketError BadProtocolName = new(ReasonCode.UnsupportedProtocolVersion, "bad_protocol_name");

    /// <summary>Topic Alias 0 (3.3.2.3.4 MQTT-3.3.2-8; 3.3.4: DISCONNECT 0x94).</summary>
    public static readonly PacketError TopicAliasZero = new(ReasonCode.TopicAliasInvalid, "topic_alias_zero");

    private static PacketError Malformed(string reason) => new(ReasonCode.MalformedPacket, reason);

    private static PacketError ProtocolError(string reason) => new(ReasonCode.ProtocolError, reason);
}
