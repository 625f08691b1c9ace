using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// The bad-input table of the MQTT codec: every packet a strict MQTT 5 server must refuse is
/// refused with the reason code of MQTT 5 section 4.13 (0x81 Malformed Packet, 0x82 Protocol
/// Error, or the code the packet's section names) and its stable reason label, never an exception.
/// Each row is a whole packet in hex, fixed header first; the comment says what is wrong with it.
/// </summary>
public class MalformedMqttPacketsAreRefusedWithAReasonTests
{
    // CONNECT variable header up to the properties: "MQTT", level 5, then the connect flags byte.
    private const string Mqtt5 = "0004 4D515454 05";

    private static readonly Dictionary<string, (string Hex, byte Code, string Reason)> Cases = new()
    {
        // Fixed header (section 2.1).
        ["packet type 0"] = ("00 00", 0x81, "bad_packet_type"),
        ["PUBACK with a flag bit set"] = ("41 02 0001", 0x81, "reserved_flags"),
        ["SUBSCRIBE with flags 0000"] = ("80 09 0001 00 0003612F62 01", 0x81, "reserved_flags"),
        ["PUBREL with flags 0000"] = ("60 02 0001", 0x81, "reserved_flags"),
        ["DISCONNECT with a flag bit set"] = ("E8 00", 0x81, "reserved_flags"),
        ["PUBLISH QoS 3"] = ("36 08 0003612F62 0001 00", 0x81, "bad_qos"),
        ["remaining length in 5 bytes"] = ("30 FFFFFFFF01", 0x81, "bad_remaining_length"),
        ["remaining length 0 in 2 bytes"] = ("E0 8000", 0x81, "bad_remaining_length"),
        ["remaining length 3 in 3 bytes"] = ("30 838000 000161 00", 0x81, "bad_remaining_length"),
        ["PINGREQ with a body"] = ("C0 01 00", 0x81, "bad_remaining_length"),

        // Data types (section 1.5).
        ["topic longer than the packet"] = ("30 04 0005 6162", 0x81, "truncated"),
        ["packet identifier cut short"] = ("32 04 000161 00", 0x81, "truncated"),
        ["ill-formed UTF-8 in the topic"] = ("30 06 0003 61FF62 00", 0x81, "bad_utf8"),
        ["surrogate code point in the topic"] = ("30 06 0003 EDA080 00", 0x81, "bad_utf8"),
        ["overlong U+0000 in the topic"] = ("30 05 0002 C080 00", 0x81, "bad_utf8"),
        ["U+0000 in the topic"] = ("30 06 0003 610062 00", 0x81, "null_character"),
        ["ill-formed UTF-8 in a user property name"] = ("30 0B 000161 07 26 0001FF 000176", 0x81, "bad_utf8"),
        ["U+0000 in a user property name"] = ("30 0B 000161 07 26 000100 000176", 0x81, "null_character"),
        ["ill-formed UTF-8 in a user property value"] = ("30 0B 000161 07 26 00016E 0001FE", 0x81, "bad_utf8"),
        ["U+0000 in a user property value"] = ("30 0B 000161 07 26 00016E 000100", 0x81, "null_character"),
        ["property identifier in 2 bytes"] = ("30 0C 000161 08 A600 000161 000162", 0x81, "bad_variable_byte_integer"),
        ["subscription identifier not minimally encoded"] = ("82 0C 0001 03 0B8100 0003612F62 01", 0x81, "bad_variable_byte_integer"),

        // Properties (section 2.2.2).
        ["property length beyond the packet"] = ("30 05 000161 05 26", 0x81, "bad_property_length"),
        ["property crossing its property length"] = ("30 08 000161 02 0300 0178", 0x81, "bad_property_length"),
        ["unknown property 0x04"] = ("30 06 000161 02 0400", 0x81, "unknown_property"),
        ["Session Expiry Interval in a PUBLISH"] = ("30 09 000161 05 1100000000", 0x81, "property_not_allowed"),
        ["Content Type in a SUBSCRIBE"] = ("82 0D 0001 04 03000178 0003612F62 01", 0x81, "property_not_allowed"),
        ["Content Type twice"] = ("30 0C 000161 08 03000178 03000178", 0x82, "duplicate_property"),
        ["Session Expiry Interval twice in a CONNECT"] = ($"10 18 {Mqtt5} 02 003C 0A 1100000001 1100000002 000163", 0x82, "duplicate_property"),
        ["Payload Format Indicator 2"] = ("30 06 000161 02 0102", 0x82, "bad_property_value"),
        ["Request Problem Information 2"] = ($"10 10 {Mqtt5} 02 003C 02 1702 000163", 0x82, "bad_property_value"),

        // CONNECT (section 3.1).
        ["protocol name MQTX"] = ("10 0E 0004 4D515458 05 02 003C 00 000163", 0x84, "bad_protocol_name"),
        ["CONNECT reserved flag set"] = ($"10 0E {Mqtt5} 03 003C 00 000163", 0x81, "reserved_flags"),
        ["Will QoS 3"] = ($"10 0E {Mqtt5} 1E 003C 00 000163", 0x81, "bad_qos"),
        ["Will Retain without Will Flag"] = ($"10 0E {Mqtt5} 22 003C 00 000163", 0x81, "bad_will_flags"),
        ["Receive Maximum 0"] = ($"10 11 {Mqtt5} 02 003C 03 210000 000163", 0x82, "receive_maximum_zero"),
        ["Maximum Packet Size 0"] = ($"10 13 {Mqtt5} 02 003C 05 2700000000 000163", 0x82, "maximum_packet_size_zero"),
        ["Authentication Data without Authentication Method"] = ($"10 12 {Mqtt5} 02 003C 04 160001AA 000163", 0x82, "auth_data_without_method"),
        ["wildcard in the Will Topic"] = ($"10 14 {Mqtt5} 06 003C 00 000163 00 000123 0000", 0x82, "wildcard_in_topic"),
        ["password flag without a whole password"] = ($"10 12 {Mqtt5} 42 003C 00 000163 0005 0102", 0x81, "truncated"),
        ["byte after the CONNECT payload"] = ($"10 0F {Mqtt5} 02 003C 00 000163 FF", 0x81, "trailing_bytes"),

        // PUBLISH (section 3.3).
        ["'#' in the topic"] = ("30 06 0003 612F23 00", 0x82, "wildcard_in_topic"),
        ["'+' in the topic"] = ("30 06 0003 2B2F62 00", 0x82, "wildcard_in_topic"),
        ["empty topic without Topic Alias"] = ("30 03 0000 00", 0x82, "empty_topic"),
        ["packet identifier 0"] = ("32 08 0003612F62 0000 00", 0x82, "packet_id_zero"),
        ["Topic Alias 0"] = ("30 07 000161 03 230000", 0x94, "topic_alias_zero"),
        ["DUP on QoS 0"] = ("38 04 000161 00", 0x81, "dup_with_qos0"),
        ["wildcard in the Response Topic"] = ("30 08 000161 04 08000123", 0x82, "wildcard_in_topic"),

        // PUBACK (3.4), SUBSCRIBE (3.8), UNSUBSCRIBE (3.10), DISCONNECT (3.14), AUTH (3.15).
        ["PUBACK reason code 0x05"] = ("40 03 0001 05", 0x82, "bad_reason_code"),
        ["SUBSCRIBE without a topic filter"] = ("82 03 0001 00", 0x82, "no_topic_filter"),
        ["SUBSCRIBE packet identifier 0"] = ("82 09 0000 00 0003612F62 01", 0x82, "packet_id_zero"),
        ["subscription option reserved bit 6"] = ("82 09 0001 00 0003612F62 40", 0x81, "reserved_flags"),
        ["subscription Maximum QoS 3"] = ("82 09 0001 00 0003612F62 03", 0x82, "bad_subscription_options"),
        ["subscription Retain Handling 3"] = ("82 09 0001 00 0003612F62 30", 0x82, "bad_subscription_options"),
        ["No Local on a shared subscription"] = ("82 10 0001 00 000A 2473686172652F672F61 04", 0x82, "no_local_on_shared_subscription"),
        ["Subscription Identifier 0"] = ("82 0B 0001 02 0B00 0003612F62 01", 0x82, "subscription_identifier_zero"),
        ["filter without its options byte"] = ("82 08 0001 00 0003612F62", 0x81, "truncated"),
        ["UNSUBSCRIBE without a topic filter"] = ("A2 03 0001 00", 0x82, "no_topic_filter"),
        ["DISCONNECT reason code 0x05"] = ("E0 01 05", 0x82, "bad_reason_code"),
        ["byte after the DISCONNECT properties"] = ("E0 03 00 00 FF", 0x81, "trailing_bytes"),
        ["AUTH without Authentication Method"] = ("F0 06 18 04 160001AA", 0x82, "auth_method_missing"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void IsRefusedWithItsReasonCodeAndLabel(string name)
    {
        var (hex, code, reason) = Cases[name];

        var (packet, error) = MqttWire.Decode(MqttWire.Hex(hex));

        Assert.Null(packet);
        Assert.Equal(new PacketError((ReasonCode)code, reason), error);
    }
}
