using System.Buffers;
using System.Text;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Tests.Support;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace M2M.Gateway.Tests;

/// <summary>
/// The gateway's MQTT codec against an implementation it shares no code with (MQTTnet 5's packet
/// formatter): what MQTTnet's client encodes, the codec decodes to the same fields; what the codec
/// encodes, MQTTnet decodes to the same fields.
/// </summary>
public class MqttPacketsInteroperateWithAnIndependentImplementationTests
{
    private static readonly byte[] Secret = [0x01, 0x00, 0xFF, 0x7F];

    [Fact]
    public void AConnectWithEveryPropertyAndAWillDecodesToTheSameFields()
    {
        var sent = new MqttConnectPacket
        {
            ClientId = "sensor-0001",
            Username = "sensor-0001",
            Password = Secret,
            CleanSession = true,
            KeepAlivePeriod = 45,
            SessionExpiryInterval = 3600,
            ReceiveMaximum = 8,
            MaximumPacketSize = 4096,
            TopicAliasMaximum = 3,
            RequestProblemInformation = false,
            RequestResponseInformation = true,
            AuthenticationMethod = "SCRAM-SHA-256",
            AuthenticationData = [1, 2, 3],
            UserProperties = [Property("a", "1"), Property("b", "2"), Property("a", "3")],
            WillFlag = true,
            WillTopic = "devices/sensor-0001/status",
            WillQoS = MqttQualityOfServiceLevel.AtLeastOnce,
            WillRetain = true,
            WillMessage = "offline"u8.ToArray(),
            WillContentType = "text/plain",
            WillDelayInterval = 30,
            WillPayloadFormatIndicator = MqttPayloadFormatIndicator.CharacterData,
            WillUserProperties = [Property("w", "v")],
        };

        var connect = Decoded<ConnectPacket>(MqttWire.MqttnetEncode(sent));

        Assert.True(connect.IsSupportedLevel);
        Assert.Equal(("MQTT", (byte)5), (connect.ProtocolName, connect.ProtocolLevel));
        Assert.Equal(sent.ClientId, connect.ClientId);
        Assert.Equal(sent.Username, connect.UserName);
        Assert.Equal(Secret, connect.Password);
        Assert.True(connect.CleanStart);
        Assert.Equal(sent.KeepAlivePeriod, connect.KeepAliveSeconds);
        Assert.Equal(sent.SessionExpiryInterval, connect.SessionExpiryInterval);
        Assert.Equal(sent.ReceiveMaximum, connect.ReceiveMaximum);
        Assert.Equal(sent.MaximumPacketSize, connect.MaximumPacketSize);
        Assert.Equal(sent.TopicAliasMaximum, connect.TopicAliasMaximum);
        Assert.False(connect.RequestProblemInformation);
        Assert.True(connect.RequestResponseInformation);
        Assert.Equal(sent.AuthenticationMethod, connect.AuthenticationMethod);
        Assert.Equal(sent.AuthenticationData, connect.AuthenticationData);
        Assert.Equal(3, connect.UserPropertyCount);
        Assert.True(connect.HasWill);
        Assert.Equal(sent.WillTopic, connect.WillTopic);
        Assert.Equal(1, connect.WillQoS);
        Assert.True(connect.WillRetain);
        Assert.Equal(sent.WillMessage, connect.WillPayload);
    }

    [Fact]
    public void AMinimalConnectTakesTheSpecificationsDefaults()
    {
        var bytes = MqttWire.MqttnetEncode(new MqttConnectPacket { ClientId = "c", CleanSession = true, RequestProblemInformation = true });
        Assert.Equal(MqttWire.Hex("10 0E 0004 4D515454 05 02 0000 00 0001 63"), bytes); // no properties at all

        var connect = Decoded<ConnectPacket>(bytes);

        Assert.Equal("c", connect.ClientId);
        Assert.Equal((uint)0, connect.SessionExpiryInterval);
        Assert.Equal(ushort.MaxValue, connect.ReceiveMaximum);
        Assert.Equal((uint)0, connect.MaximumPacketSize);
        Assert.True(connect.RequestProblemInformation);
        Assert.False(connect.RequestResponseInformation);
        Assert.Null(connect.UserName);
        Assert.Null(connect.Password);
        Assert.False(connect.HasWill);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, 4)]
    [InlineData(MqttProtocolVersion.V310, 3)]
    public void AnOlderClientsConnectIsRecognisedByItsLevel(MqttProtocolVersion version, byte level)
    {
        var connect = Decoded<ConnectPacket>(MqttWire.MqttnetEncode(new MqttConnectPacket { ClientId = "c", CleanSession = true, Username = "u", Password = Secret }, version));

        Assert.False(connect.IsSupportedLevel);
        Assert.Equal(level, connect.ProtocolLevel);
    }

    [Fact]
    public void APublishWithEveryClientPropertyDecodesToTheSameFields()
    {
        var sent = new MqttPublishPacket
        {
            Topic = "devices/sensor-0001/telemetry/déjà-vu",
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
            PacketIdentifier = 513,
            Dup = true,
            Retain = true,
            ContentType = "application/json",
            ResponseTopic = "devices/sensor-0001/replies",
            CorrelationData = [9, 8, 7],
            MessageExpiryInterval = 60,
            PayloadFormatIndicator = MqttPayloadFormatIndicator.CharacterData,
            UserProperties = [Property("m2m-v", "1"), Property("m2m-seq", "42"), Property("名前", "値")],
            PayloadSegment = new ArraySegment<byte>("{\"t\":21.5}"u8.ToArray()),
        };

        var publish = Decoded<PublishPacket>(MqttWire.MqttnetEncode(sent));

        Assert.Equal(sent.Topic, publish.Topic);
        Assert.Equal((1, true, true, (ushort)513), (publish.QoS, publish.Dup, publish.Retain, publish.PacketId));
        Assert.Equal(sent.ContentType, publish.ContentType);
        Assert.Equal(sent.ResponseTopic, publish.GetResponseTopic());
        Assert.Equal(sent.CorrelationData, publish.CorrelationData?.ToArray());
        Assert.Equal(sent.MessageExpiryInterval, publish.MessageExpiryInterval);
        Assert.Equal((byte)1, publish.PayloadFormatIndicator);
        Assert.Null(publish.TopicAlias);
        Assert.False(publish.HasSubscriptionIdentifier);
        Assert.Equal(sent.UserProperties.Select(p => (p.Name, p.ReadValueAsString())), UserProperties(publish));
        Assert.Equal("m2m-seq"u8.ToArray(), publish.UserPropertyName(1).ToArray());
        Assert.Equal("42"u8.ToArray(), publish.UserPropertyValue(1).ToArray());
        Assert.Equal(sent.Payload.ToArray(), publish.Payload.ToArray());
        Assert.Equal(MqttWire.MqttnetEncode(sent).Length, publish.Size);
    }

    [Fact]
    public void AQoS0PublishWithoutPropertiesOrPayloadDecodes()
    {
        var publish = Decoded<PublishPacket>(MqttWire.MqttnetEncode(new MqttPublishPacket { Topic = "a/b" }));

        Assert.Equal(("a/b", 0, (ushort)0), (publish.Topic, publish.QoS, publish.PacketId));
        Assert.Null(publish.ContentType);
        Assert.Equal(0, publish.UserPropertyCount);
        Assert.True(publish.Payload.IsEmpty);
    }

    [Fact]
    public void ASubscriptionIdentifierInAClientsPublishIsFlagged()
    {
        var publish = Decoded<PublishPacket>(MqttWire.MqttnetEncode(new MqttPublishPacket { Topic = "a", SubscriptionIdentifiers = [7] }));

        Assert.True(publish.HasSubscriptionIdentifier);
    }

    [Fact]
    public void ASubscribeDecodesToTheSameFiltersAndOptions()
    {
        var sent = new MqttSubscribePacket
        {
            PacketIdentifier = 7,
            SubscriptionIdentifier = 300,
            UserProperties = [Property("k", "v")],
            TopicFilters =
            [
                new() { Topic = "devices/sensor-0001/commands/#", QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce, NoLocal = true, RetainAsPublished = true, RetainHandling = MqttRetainHandling.DoNotSendOnSubscribe },
                new() { Topic = "$share/g/a/+", QualityOfServiceLevel = MqttQualityOfServiceLevel.ExactlyOnce, RetainHandling = MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly },
            ],
        };

        var subscribe = Decoded<SubscribePacket>(MqttWire.MqttnetEncode(sent));

        Assert.Equal((ushort)7, subscribe.PacketId);
        Assert.Equal((uint)300, subscribe.SubscriptionIdentifier);
        Assert.Equal(1, subscribe.UserPropertyCount);
        Assert.Equal(
            sent.TopicFilters.Select(f => new SubscriptionRequest(f.Topic, (int)f.QualityOfServiceLevel, f.NoLocal, f.RetainAsPublished, (int)f.RetainHandling)),
            subscribe.Subscriptions);
    }

    [Fact]
    public void AnUnsubscribeDecodesToTheSameFilters()
    {
        var unsubscribe = Decoded<UnsubscribePacket>(MqttWire.MqttnetEncode(new MqttUnsubscribePacket { PacketIdentifier = 9, TopicFilters = ["a/#", "b"], UserProperties = [Property("k", "v")] }));

        Assert.Equal((ushort)9, unsubscribe.PacketId);
        Assert.Equal(["a/#", "b"], unsubscribe.TopicFilters);
        Assert.Equal(1, unsubscribe.UserPropertyCount);
    }

    [Theory]
    [InlineData(MqttPubAckReasonCode.Success, null)]
    [InlineData(MqttPubAckReasonCode.NoMatchingSubscribers, null)]
    [InlineData(MqttPubAckReasonCode.NotAuthorized, "no")]
    public void AClientsPubAckDecodesToTheSameFields(MqttPubAckReasonCode code, string? reasonString)
    {
        var pubAck = Decoded<PubAckPacket>(MqttWire.MqttnetEncode(new MqttPubAckPacket { PacketIdentifier = 65535, ReasonCode = code, ReasonString = reasonString }));

        Assert.Equal(((ushort)65535, (ReasonCode)code, reasonString), (pubAck.PacketId, pubAck.ReasonCode, pubAck.ReasonString));
    }

    [Fact]
    public void AClientsDisconnectDecodesToTheSameFields()
    {
        var sent = new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.DisconnectWithWillMessage, SessionExpiryInterval = 10, ReasonString = "bye", UserProperties = [Property("k", "v")] };

        var disconnect = Decoded<DisconnectPacket>(MqttWire.MqttnetEncode(sent));

        Assert.Equal((ReasonCode.DisconnectWithWillMessage, (uint?)10, "bye", 1), (disconnect.ReasonCode, disconnect.SessionExpiryInterval, disconnect.ReasonString, disconnect.UserPropertyCount));
    }

    [Fact]
    public void AnAuthDecodesToTheSameFields()
    {
        var auth = Decoded<AuthPacket>(MqttWire.MqttnetEncode(new MqttAuthPacket { ReasonCode = MqttAuthenticateReasonCode.ContinueAuthentication, AuthenticationMethod = "m", AuthenticationData = [5] }));

        Assert.Equal((ReasonCode.ContinueAuthentication, "m"), (auth.ReasonCode, auth.AuthenticationMethod));
        Assert.Equal([5], auth.AuthenticationData!);
    }

    [Fact]
    public void AConnAckWithEveryPropertyIsReadTheSameByMqttnet()
    {
        var properties = new ConnAckProperties
        {
            SessionExpiryInterval = 120,
            ReceiveMaximum = 16,
            MaximumQoS = 1,
            RetainAvailable = false,
            MaximumPacketSize = 69632,
            TopicAliasMaximum = 0,
            WildcardSubscriptionAvailable = false,
            SubscriptionIdentifiersAvailable = false,
            SharedSubscriptionAvailable = false,
            ServerKeepAlive = 30,
            AssignedClientIdentifier = "auto-1",
            ReasonString = "welcome",
        };

        var connAck = Assert.IsType<MqttConnAckPacket>(MqttWire.MqttnetDecode(MqttWire.Written(w => PacketWriter.WriteConnAck(w, true, ReasonCode.Success, properties))));

        Assert.True(connAck.IsSessionPresent);
        Assert.Equal(MqttConnectReasonCode.Success, connAck.ReasonCode);
        Assert.Equal((uint)120, connAck.SessionExpiryInterval);
        Assert.Equal(16, connAck.ReceiveMaximum);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, connAck.MaximumQoS);
        Assert.False(connAck.RetainAvailable);
        Assert.Equal((uint)69632, connAck.MaximumPacketSize);
        Assert.Equal(0, connAck.TopicAliasMaximum);
        Assert.False(connAck.WildcardSubscriptionAvailable);
        Assert.False(connAck.SubscriptionIdentifiersAvailable);
        Assert.False(connAck.SharedSubscriptionAvailable);
        Assert.Equal(30, connAck.ServerKeepAlive);
        Assert.Equal("auto-1", connAck.AssignedClientIdentifier);
        Assert.Equal("welcome", connAck.ReasonString);
    }

    [Fact]
    public void ARefusingConnAckWithoutPropertiesIsReadTheSameByMqttnet()
    {
        var connAck = Assert.IsType<MqttConnAckPacket>(MqttWire.MqttnetDecode(MqttWire.Written(w => PacketWriter.WriteConnAck(w, false, ReasonCode.BadUserNameOrPassword, default))));

        Assert.Equal((false, MqttConnectReasonCode.BadUserNameOrPassword), (connAck.IsSessionPresent, connAck.ReasonCode));
    }

    [Fact]
    public void AnMqtt311ConnAckIsReadByAnMqtt311Client()
    {
        var bytes = MqttWire.Written(w => PacketWriter.WriteConnAck311(w, 0x01));

        var connAck = Assert.IsType<MqttConnAckPacket>(MqttWire.MqttnetDecode(bytes, MqttProtocolVersion.V311));

        Assert.Equal(4, bytes.Length);
        Assert.Equal(MqttConnectReturnCode.ConnectionRefusedUnacceptableProtocolVersion, connAck.ReturnCode);
    }

    [Fact]
    public void ASuccessfulPubAckWithoutReasonStringIsTheFourByteFormAndReadByMqttnet()
    {
        var bytes = MqttWire.Written(w => PacketWriter.WritePubAck(w, 258, ReasonCode.Success, null, 0));

        var pubAck = Assert.IsType<MqttPubAckPacket>(MqttWire.MqttnetDecode(bytes));

        Assert.Equal(MqttWire.Hex("40 02 0102"), bytes);
        Assert.Equal((258, MqttPubAckReasonCode.Success, (string?)null), (pubAck.PacketIdentifier, pubAck.ReasonCode, pubAck.ReasonString));
    }

    [Fact]
    public void APubAckWithReasonCodeAndReasonStringIsReadTheSameByMqttnet()
    {
        var pubAck = Assert.IsType<MqttPubAckPacket>(MqttWire.MqttnetDecode(MqttWire.Written(w => PacketWriter.WritePubAck(w, 7, ReasonCode.ImplementationSpecificError, "malformed_properties", 0))));

        Assert.Equal((7, MqttPubAckReasonCode.ImplementationSpecificError, "malformed_properties"), (pubAck.PacketIdentifier, pubAck.ReasonCode, pubAck.ReasonString));
    }

    [Fact]
    public void ASubAckIsReadTheSameByMqttnet()
    {
        var subAck = Assert.IsType<MqttSubAckPacket>(MqttWire.MqttnetDecode(MqttWire.Written(w =>
            PacketWriter.WriteSubAck(w, 11, [ReasonCode.GrantedQoS1, ReasonCode.TopicFilterInvalid, ReasonCode.SharedSubscriptionsNotSupported], "partly", 0))));

        Assert.Equal(11, subAck.PacketIdentifier);
        Assert.Equal([MqttSubscribeReasonCode.GrantedQoS1, MqttSubscribeReasonCode.TopicFilterInvalid, MqttSubscribeReasonCode.SharedSubscriptionsNotSupported], subAck.ReasonCodes);
        Assert.Equal("partly", subAck.ReasonString);
    }

    [Fact]
    public void AnUnsubAckIsReadTheSameByMqttnet()
    {
        var unsubAck = Assert.IsType<MqttUnsubAckPacket>(MqttWire.MqttnetDecode(MqttWire.Written(w => PacketWriter.WriteUnsubAck(w, 12, [ReasonCode.Success, ReasonCode.NoSubscriptionExisted], null, 0))));

        Assert.Equal(12, unsubAck.PacketIdentifier);
        Assert.Equal([MqttUnsubscribeReasonCode.Success, MqttUnsubscribeReasonCode.NoSubscriptionExisted], unsubAck.ReasonCodes);
        Assert.Null(unsubAck.ReasonString);
    }

    [Theory]
    [InlineData(ReasonCode.Success, null)]
    [InlineData(ReasonCode.UnspecifiedError, "journal_unavailable")]
    [InlineData(ReasonCode.KeepAliveTimeout, null)]
    public void ADisconnectIsReadTheSameByMqttnet(ReasonCode code, string? reasonString)
    {
        var disconnect = Assert.IsType<MqttDisconnectPacket>(MqttWire.MqttnetDecode(MqttWire.Written(w => PacketWriter.WriteDisconnect(w, code, reasonString, 0))));

        Assert.Equal(((MqttDisconnectReasonCode)code, reasonString), (disconnect.ReasonCode, disconnect.ReasonString));
    }

    [Fact]
    public void APublishWithUserPropertiesAndContentTypeIsReadTheSameByMqttnet()
    {
        (string, string)[] userProperties = [("cmd", "reboot"), ("m2m-seq", "3"), ("cmd", "again")];

        var publish = Assert.IsType<MqttPublishPacket>(MqttWire.MqttnetDecode(MqttWire.Written(w =>
            Assert.True(PacketWriter.WritePublish(w, "devices/sensor-0001/commands/reboot", 99, 1, true, "{}"u8, "application/json", userProperties)))));

        Assert.Equal(("devices/sensor-0001/commands/reboot", MqttQualityOfServiceLevel.AtLeastOnce, true, (ushort)99), (publish.Topic, publish.QualityOfServiceLevel, publish.Dup, publish.PacketIdentifier));
        Assert.False(publish.Retain);
        Assert.Equal("application/json", publish.ContentType);
        Assert.Equal(userProperties, publish.UserProperties.Select(p => (p.Name, p.ReadValueAsString())));
        Assert.Equal("{}"u8.ToArray(), publish.Payload.ToArray());
    }

    [Fact]
    public void APingRespIsReadByMqttnet() =>
        Assert.IsType<MqttPingRespPacket>(MqttWire.MqttnetDecode(MqttWire.Written(PacketWriter.WritePingResp)));

    private static T Decoded<T>(byte[] packet)
    {
        var (decoded, error) = MqttWire.Decode(packet);
        Assert.Null(error);
        return Assert.IsType<T>(decoded);
    }

    private static MqttUserProperty Property(string name, string value) => new(name, Encoding.UTF8.GetBytes(value).AsMemory());

    private static List<(string, string)> UserProperties(PublishPacket publish) =>
        [.. Enumerable.Range(0, publish.UserPropertyCount).Select(i => (publish.GetUserPropertyName(i), Encoding.UTF8.GetString(publish.UserPropertyValue(i))))];
}
