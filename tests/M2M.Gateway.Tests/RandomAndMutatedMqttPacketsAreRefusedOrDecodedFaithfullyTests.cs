using System.Buffers;
using System.Text;
using System.Text.Unicode;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Tests.Support;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace M2M.Gateway.Tests;

/// <summary>
/// Tens of thousands of random and mutated packets (a seeded Random: every run sees the same
/// bytes) never make the codec throw, and whatever it accepts is MQTT 5 a strict parser accepts:
/// MQTTnet decodes the same bytes to the same fields, every byte of the body is accounted for by
/// the decoded fields (recomputed here from the encoding rules of section 1.5 and 2.2.2, so a
/// skipped or misread byte shows), and the decoded values obey the rules of their sections.
/// </summary>
public class RandomAndMutatedMqttPacketsAreRefusedOrDecodedFaithfullyTests
{
    private const int Seed = 20_261_201;

    // Bytes that mean something in MQTT 5: property identifiers, lengths, continuation bits, wildcards, NUL, UTF-8 lead bytes.
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0B, 0x11, 0x15, 0x16, 0x1F, 0x23, 0x26, 0x2B, 0x7F, 0x80, 0xC0, 0xED, 0xFF];

    private static readonly string[] TopicLevels = ["devices", "sensor-0001", "telemetry", "é", "名前", "", "a b", "$SYS"];

    [Fact]
    public void RandomBytesAreFramedAndDecodedWithoutThrowing()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 48)];
            random.NextBytes(bytes);

            // The framer agrees with itself over any segmentation and only completes minimal headers.
            var whole = PacketFramer.TryReadFixedHeader(bytes, out var header, out _);
            var segmented = PacketFramer.TryReadFixedHeader(MqttWire.Segmented(bytes, random.Next(1, 4)), out var segmentedHeader, out _);
            Assert.Equal((whole, header), (segmented, segmentedHeader));
            if (whole == FrameStatus.Complete)
            {
                Assert.Equal(bytes[..header.HeaderLength], Header(bytes[0], header.RemainingLength));
            }

            // Every decoder on the same bytes as a body.
            var flags = (byte)random.Next(16);
            _ = ConnectPacket.TryDecode(bytes, out _, out _);
            _ = PubAckPacket.TryDecode(bytes, out _, out _);
            _ = DisconnectPacket.TryDecode(bytes, out _, out _);
            _ = AuthPacket.TryDecode(bytes, out _, out _);
            if (PublishPacket.TryDecode(bytes, flags, out var publish, out _))
            {
                AssertFaithful(publish, [.. Header((byte)(0x30 | flags), bytes.Length), .. bytes]);
            }

            if (SubscribePacket.TryDecode(bytes, out var subscribe, out _))
            {
                AssertFaithful(subscribe, [.. Header(0x82, bytes.Length), .. bytes]);
            }

            if (UnsubscribePacket.TryDecode(bytes, out var unsubscribe, out _))
            {
                AssertFaithful(unsubscribe, [.. Header(0xA2, bytes.Length), .. bytes]);
            }
        }
    }

    [Fact]
    public void MutatedPublishesAreRefusedOrDecodedAsMqttnetDecodesThem()
    {
        var accepted = AcceptedMutations(200, 40_000, RandomPublish, (first, body) =>
        {
            var decoded = PublishPacket.TryDecode(body, (byte)(first & 0x0F), out var publish, out _);
            if (decoded)
            {
                AssertFaithful(publish!, [.. Header(first, body.Length), .. body]);
            }

            return decoded;
        });

        // The mutations must leave enough packets valid for the comparison to mean something.
        Assert.InRange(accepted, 2_000, 39_000);
    }

    [Fact]
    public void MutatedSubscribesAreRefusedOrDecodedAsMqttnetDecodesThem()
    {
        var accepted = AcceptedMutations(100, 15_000, RandomSubscribe, (first, body) =>
        {
            var decoded = SubscribePacket.TryDecode(body, out var subscribe, out _);
            if (decoded)
            {
                AssertFaithful(subscribe!, [.. Header(0x82, body.Length), .. body]);
            }

            return decoded;
        });

        Assert.InRange(accepted, 500, 14_000);
    }

    [Fact]
    public void MutatedConnectsAreRefusedOrDecodedAsMqttnetDecodesThem()
    {
        var accepted = AcceptedMutations(100, 15_000, RandomConnect, (first, body) =>
        {
            var decoded = ConnectPacket.TryDecode(body, out var connect, out _) && connect.IsSupportedLevel;
            if (decoded)
            {
                AssertFaithful(connect!, [.. Header(0x10, body.Length), .. body]);
            }

            return decoded;
        });

        Assert.InRange(accepted, 500, 14_000);
    }

    /// <summary>Mutates <paramref name="mutations"/> times one of <paramref name="originals"/> generated packets; counts those <paramref name="decodeAndCheck"/> accepts.</summary>
    private static int AcceptedMutations(int originals, int mutations, Func<Random, MqttPacket> generate, Func<byte, byte[], bool> decodeAndCheck)
    {
        var random = new Random(Seed);
        var packets = Enumerable.Range(0, originals).Select(_ => MqttWire.MqttnetEncode(generate(random))).ToArray();
        var accepted = 0;
        for (var i = 0; i < mutations; i++)
        {
            var (first, body) = Mutate(random, packets[random.Next(packets.Length)]);
            accepted += decodeAndCheck(first, body) ? 1 : 0;
        }

        return accepted;
    }

    private static void AssertFaithful(PublishPacket publish, byte[] packet)
    {
        var theirs = Assert.IsType<MqttPublishPacket>(MqttWire.MqttnetDecode(packet));
        Assert.Equal(theirs.Topic, publish.Topic);
        Assert.Equal(((int)theirs.QualityOfServiceLevel, theirs.Dup, theirs.Retain, theirs.PacketIdentifier), (publish.QoS, publish.Dup, publish.Retain, publish.PacketId));
        Assert.Equal(theirs.ContentType, publish.ContentType);
        Assert.Equal(theirs.ResponseTopic, publish.GetResponseTopic());
        Assert.Equal(theirs.CorrelationData ?? [], publish.CorrelationData?.ToArray() ?? []); // MQTTnet reads an empty one as null
        Assert.Equal(theirs.MessageExpiryInterval, publish.MessageExpiryInterval ?? 0);
        Assert.Equal((byte)theirs.PayloadFormatIndicator, publish.PayloadFormatIndicator ?? 0);
        Assert.Equal(theirs.TopicAlias, publish.TopicAlias ?? 0);
        Assert.Equal(theirs.SubscriptionIdentifiers is { Count: > 0 }, publish.HasSubscriptionIdentifier);
        var userProperties = Enumerable.Range(0, publish.UserPropertyCount).Select(i => (publish.UserPropertyName(i).ToArray(), publish.UserPropertyValue(i).ToArray())).ToList();
        Assert.Equal(theirs.UserProperties?.Select(p => (Encoding.UTF8.GetBytes(p.Name), p.ValueBuffer.ToArray())) ?? [], userProperties);
        Assert.Equal(theirs.Payload.ToArray(), publish.Payload.ToArray());

        // The rules the values must obey (sections 1.5.4, 3.3.1, 3.3.2, 4.7).
        Assert.NotEqual(3, publish.QoS);
        Assert.True(publish.QoS > 0 || !publish.Dup);
        Assert.True((publish.QoS == 0) == (publish.PacketId == 0));
        Assert.True(publish.TopicAlias is null or > 0);
        Assert.True(publish.PayloadFormatIndicator is null or 0 or 1);
        Assert.True(publish.Topic.Length > 0 || publish.TopicAlias is not null);
        AssertTopicName(publish.TopicUtf8.Span, allowEmpty: true);
        if (publish.ResponseTopicUtf8 is { } responseTopic)
        {
            AssertTopicName(responseTopic.Span, allowEmpty: false);
        }

        AssertUtf8(publish.ContentType is null ? default : Encoding.UTF8.GetBytes(publish.ContentType));
        foreach (var (name, value) in userProperties)
        {
            AssertUtf8(name);
            AssertUtf8(value);
        }

        // Every byte of the body is one of the decoded fields.
        var properties = (publish.PayloadFormatIndicator is null ? 0 : 2)
            + (publish.MessageExpiryInterval is null ? 0 : 5)
            + (publish.TopicAlias is null ? 0 : 3)
            + (publish.ContentType is null ? 0 : 3 + Encoding.UTF8.GetByteCount(publish.ContentType))
            + (publish.ResponseTopicUtf8 is { } r ? 3 + r.Length : 0)
            + (publish.CorrelationData is { } c ? 3 + c.Length : 0)
            + userProperties.Sum(p => 5 + p.Item1.Length + p.Item2.Length)
            + (theirs.SubscriptionIdentifiers ?? []).Sum(id => 1 + VariableByteIntegerSize((int)id));
        var expected = 2 + publish.TopicUtf8.Length + (publish.QoS > 0 ? 2 : 0) + VariableByteIntegerSize(properties) + properties + publish.Payload.Length;
        Assert.Equal(packet.Length, expected + 1 + VariableByteIntegerSize(expected));
        Assert.Equal(packet.Length, publish.Size);
    }

    private static void AssertFaithful(SubscribePacket subscribe, byte[] packet)
    {
        var theirs = Assert.IsType<MqttSubscribePacket>(MqttWire.MqttnetDecode(packet));
        Assert.Equal(theirs.PacketIdentifier, subscribe.PacketId);
        Assert.NotEqual(0, subscribe.PacketId);
        Assert.Equal(theirs.SubscriptionIdentifier, subscribe.SubscriptionIdentifier ?? 0);
        Assert.True(subscribe.SubscriptionIdentifier is null or > 0);
        Assert.Equal(theirs.UserProperties?.Count ?? 0, subscribe.UserPropertyCount);
        Assert.Equal(
            theirs.TopicFilters.Select(f => new SubscriptionRequest(f.Topic, (int)f.QualityOfServiceLevel, f.NoLocal, f.RetainAsPublished, (int)f.RetainHandling)),
            subscribe.Subscriptions);
        Assert.NotEmpty(subscribe.Subscriptions);
        foreach (var s in subscribe.Subscriptions)
        {
            AssertUtf8(Encoding.UTF8.GetBytes(s.TopicFilter));
            Assert.True(s.MaximumQoS < 3 && s.RetainHandling < 3 && !(s.NoLocal && TopicFilters.IsShared(s.TopicFilter)));
        }

        var properties = (subscribe.SubscriptionIdentifier is { } id ? 1 + VariableByteIntegerSize((int)id) : 0)
            + (theirs.UserProperties ?? []).Sum(p => 5 + Encoding.UTF8.GetByteCount(p.Name) + p.ValueBuffer.Length);
        var expected = 2 + VariableByteIntegerSize(properties) + properties + subscribe.Subscriptions.Sum(s => 3 + Encoding.UTF8.GetByteCount(s.TopicFilter));
        Assert.Equal(packet.Length, expected + 1 + VariableByteIntegerSize(expected));
    }

    private static void AssertFaithful(UnsubscribePacket unsubscribe, byte[] packet)
    {
        var theirs = Assert.IsType<MqttUnsubscribePacket>(MqttWire.MqttnetDecode(packet));
        Assert.Equal(theirs.PacketIdentifier, unsubscribe.PacketId);
        Assert.Equal(theirs.TopicFilters, unsubscribe.TopicFilters);
        Assert.NotEmpty(unsubscribe.TopicFilters);
    }

    private static void AssertFaithful(ConnectPacket connect, byte[] packet)
    {
        var theirs = Assert.IsType<MqttConnectPacket>(MqttWire.MqttnetDecode(packet));
        Assert.Equal(theirs.ClientId, connect.ClientId);
        Assert.Equal(theirs.Username, connect.UserName);
        Assert.Equal(theirs.Password, connect.Password);
        Assert.Equal((theirs.CleanSession, theirs.KeepAlivePeriod), (connect.CleanStart, connect.KeepAliveSeconds));
        Assert.Equal(theirs.SessionExpiryInterval, connect.SessionExpiryInterval);
        Assert.Equal(theirs.ReceiveMaximum == 0 ? ushort.MaxValue : theirs.ReceiveMaximum, connect.ReceiveMaximum);
        Assert.Equal(theirs.MaximumPacketSize, connect.MaximumPacketSize);
        Assert.Equal(theirs.TopicAliasMaximum, connect.TopicAliasMaximum);
        Assert.Equal(theirs.RequestProblemInformation, connect.RequestProblemInformation);
        Assert.Equal(theirs.RequestResponseInformation, connect.RequestResponseInformation);
        Assert.Equal(theirs.AuthenticationMethod, connect.AuthenticationMethod);
        Assert.Equal(theirs.AuthenticationData, connect.AuthenticationData);
        Assert.Equal(theirs.UserProperties?.Count ?? 0, connect.UserPropertyCount);
        Assert.Equal(theirs.WillFlag, connect.HasWill);
        Assert.Equal(theirs.WillFlag ? theirs.WillTopic : null, connect.WillTopic);
        Assert.Equal(theirs.WillFlag ? theirs.WillMessage : null, connect.WillPayload);
        Assert.Equal(((int)theirs.WillQoS, theirs.WillRetain), (connect.WillQoS, connect.WillRetain));

        Assert.True(connect.HasWill || (connect.WillQoS == 0 && !connect.WillRetain));
        Assert.True(connect.WillQoS < 3 && connect.ReceiveMaximum > 0);
        Assert.True(connect.AuthenticationData is null || connect.AuthenticationMethod is not null);
        AssertUtf8(Encoding.UTF8.GetBytes(connect.ClientId));
        if (connect.WillTopic is not null)
        {
            AssertTopicName(Encoding.UTF8.GetBytes(connect.WillTopic), allowEmpty: false);
        }
    }

    private static void AssertTopicName(ReadOnlySpan<byte> topic, bool allowEmpty)
    {
        AssertUtf8(topic);
        Assert.True(allowEmpty || !topic.IsEmpty);
        Assert.False(topic.ContainsAny((byte)'+', (byte)'#'));
    }

    private static void AssertUtf8(ReadOnlySpan<byte> value) => Assert.True(Utf8.IsValid(value) && !value.Contains((byte)0));

    /// <summary>One to three random edits of a packet's body, and sometimes of its flags.</summary>
    private static (byte First, byte[] Body) Mutate(Random random, byte[] packet)
    {
        var headerLength = 2;
        while ((packet[headerLength - 1] & 0x80) != 0)
        {
            headerLength++;
        }

        var first = packet[0];
        var body = packet[headerLength..].ToList();
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = random.Next(body.Count + 1);
            var value = random.Next(2) == 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256);
            switch (random.Next(7))
            {
                case 0 when at < body.Count:
                    body[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when at < body.Count:
                    body[at] = value;
                    break;
                case 2:
                    body.Insert(at, value);
                    break;
                case 3 when at < body.Count:
                    body.RemoveAt(at);
                    break;
                case 4:
                    body.RemoveRange(at, body.Count - at);
                    break;
                case 5 when at < body.Count:
                    body.InsertRange(at, body.GetRange(at, random.Next(body.Count - at + 1)));
                    break;
                case 6:
                    first = (byte)((first & 0xF0) | random.Next(16));
                    break;
            }
        }

        return (first, [.. body]);
    }

    private static MqttPublishPacket RandomPublish(Random random)
    {
        var qos = random.Next(3);
        return new MqttPublishPacket
        {
            Topic = RandomTopic(random),
            QualityOfServiceLevel = (MqttQualityOfServiceLevel)qos,
            PacketIdentifier = qos == 0 ? (ushort)0 : (ushort)random.Next(1, 65536),
            Dup = qos > 0 && random.Next(2) == 0,
            Retain = random.Next(2) == 0,
            ContentType = Maybe(random, "application/json"),
            ResponseTopic = Maybe(random, RandomTopic(random)),
            CorrelationData = random.Next(4) == 0 ? RandomBytes(random, 6) : null,
            MessageExpiryInterval = random.Next(4) == 0 ? (uint)random.Next(1, 100_000) : 0,
            PayloadFormatIndicator = (MqttPayloadFormatIndicator)random.Next(2),
            TopicAlias = random.Next(8) == 0 ? (ushort)random.Next(1, 10) : (ushort)0,
            UserProperties = [.. Enumerable.Range(0, random.Next(6)).Select(_ => UserProperty(random))],
            PayloadSegment = new ArraySegment<byte>(RandomBytes(random, 40)),
        };
    }

    private static MqttSubscribePacket RandomSubscribe(Random random) => new()
    {
        PacketIdentifier = (ushort)random.Next(1, 65536),
        SubscriptionIdentifier = random.Next(3) == 0 ? (uint)random.Next(1, 300_000) : 0,
        UserProperties = random.Next(3) == 0 ? [UserProperty(random)] : null,
        TopicFilters =
        [
            .. Enumerable.Range(0, random.Next(1, 4)).Select(_ => new MqttTopicFilter
            {
                Topic = random.Next(4) == 0 ? "$share/g/" + RandomTopic(random) : RandomTopic(random) + (random.Next(3) == 0 ? "/#" : ""),
                QualityOfServiceLevel = (MqttQualityOfServiceLevel)random.Next(3),
                RetainAsPublished = random.Next(2) == 0,
                RetainHandling = (MqttRetainHandling)random.Next(3),
            }),
        ],
    };

    private static MqttConnectPacket RandomConnect(Random random)
    {
        var will = random.Next(2) == 0;
        var hasCredentials = random.Next(3) > 0;
        return new MqttConnectPacket
        {
            ClientId = "sensor-" + random.Next(10_000),
            CleanSession = random.Next(2) == 0,
            KeepAlivePeriod = (ushort)random.Next(65536),
            Username = hasCredentials ? "sensor" : null,
            Password = hasCredentials ? RandomBytes(random, 30) : null,
            SessionExpiryInterval = (uint)random.Next(2) * 3600,
            ReceiveMaximum = (ushort)random.Next(0, 100),
            MaximumPacketSize = (uint)random.Next(0, 100_000),
            TopicAliasMaximum = (ushort)random.Next(0, 10),
            RequestProblemInformation = random.Next(2) == 0,
            RequestResponseInformation = random.Next(2) == 0,
            AuthenticationMethod = Maybe(random, "token"),
            UserProperties = random.Next(3) == 0 ? [UserProperty(random)] : null,
            WillFlag = will,
            WillTopic = will ? RandomTopic(random) : null,
            WillMessage = will ? RandomBytes(random, 10) : null,
            WillQoS = will ? (MqttQualityOfServiceLevel)random.Next(3) : 0,
            WillRetain = will && random.Next(2) == 0,
            WillContentType = will ? Maybe(random, "text/plain") : null,
        };
    }

    private static string RandomTopic(Random random) =>
        string.Join('/', Enumerable.Range(0, random.Next(1, 4)).Select(_ => TopicLevels[random.Next(TopicLevels.Length)])) is { Length: > 0 } topic ? topic : "t";

    private static MqttUserProperty UserProperty(Random random) =>
        new(TopicLevels[random.Next(TopicLevels.Length)], Encoding.UTF8.GetBytes(TopicLevels[random.Next(TopicLevels.Length)]).AsMemory());

    private static string? Maybe(Random random, string value) => random.Next(2) == 0 ? value : null;

    private static byte[] RandomBytes(Random random, int maximumLength)
    {
        var bytes = new byte[random.Next(maximumLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A fixed header, encoded here by the rules of MQTT 5 section 1.5.5, not by the codec under test.</summary>
    private static byte[] Header(byte first, int remainingLength)
    {
        var header = new List<byte> { first };
        do
        {
            var digit = (byte)(remainingLength % 128);
            remainingLength /= 128;
            header.Add(remainingLength > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remainingLength > 0);
        return [.. header];
    }

    private static int VariableByteIntegerSize(int value) => value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
}
