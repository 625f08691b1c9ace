using System.Text;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests;

/// <summary>
/// The gateway speaks the MQTT 5 profile of docs/protocol.md section 5.1 and refuses the rest with
/// the reason code MQTT 5 gives for it: what its CONNACK announced as unavailable (QoS other than 1,
/// RETAIN, Topic Aliases, Subscription Identifiers), a Will, enhanced authentication, AUTH packets.
/// </summary>
public sealed class FeaturesOutsideTheMqttProfileAreRefusedTests : IAsyncLifetime
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private WireRig _rig = null!;

    public async Task InitializeAsync() => _rig = await WireRig.StartAsync(_world);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    public static TheoryData<string, int, int, string> Publishes => new()
    {
        // name, QoS, RETAIN (0/1), expected DISCONNECT reason code and string
        { "QoS 0", 0, 0, "0x9B qos_not_supported" },
        { "QoS 2", 2, 0, "0x9B qos_not_supported" },
        { "RETAIN", 1, 1, "0x9A retain_not_supported" },
    };

    [Theory]
    [MemberData(nameof(Publishes))]
    public async Task APublishTheConnAckRuledOutEndsTheConnection(string name, int qos, int retain, string expected)
    {
        await using var client = await Connect();

        await client.SendAsync(Telemetry(qos: qos, retain: retain == 1));

        await AssertDisconnected(client, name, expected);
    }

    [Fact]
    public async Task ATopicAliasEndsTheConnection()
    {
        await using var client = await Connect();

        // Property 0x23 Topic Alias = 1 (MQTT 5 section 3.3.2.3.4); none was announced.
        await client.SendAsync(Telemetry(extraProperties: [0x23, 0x00, 0x01]));

        await AssertDisconnected(client, "topic alias", "0x94 topic_alias_not_supported");
    }

    [Fact]
    public async Task AnAuthPacketEndsTheConnection()
    {
        await using var client = await Connect();

        // AUTH with reason 0x19 (Re-authenticate) and no properties (MQTT 5 section 3.15).
        await client.SendAsync([0xF0, 0x02, 0x19, 0x00]);

        await AssertDisconnected(client, "auth", "0x82 auth_not_supported");
    }

    [Fact]
    public async Task AConnectWithAWillIsRefused()
    {
        await using var client = await RawMqttConnection.OpenAsync(_rig.Gateway.MqttPort);
        // Will Properties (none), Will Topic, Will Payload (section 3.1.3).
        byte[] will = [0x00, .. RawMqttConnection.Utf8String("devices/sensor-1/status"), .. RawMqttConnection.Binary("gone"u8.ToArray())];
        await client.SendAsync(RawMqttConnection.Connect("sensor-1", "sensor-1", Token(), will: will));

        var connAck = await client.ExpectAsync(RawPacket.ConnAck);
        Assert.Equal((0x83, "will_not_supported"), (connAck.ReasonCode, connAck.ReasonString));
        Assert.True(await client.ClosedAsync());
    }

    [Fact]
    public async Task AConnectAskingForEnhancedAuthenticationIsRefused()
    {
        await using var client = await RawMqttConnection.OpenAsync(_rig.Gateway.MqttPort);

        // Property 0x15 Authentication Method "SCRAM-SHA-1" (section 3.1.2.11.9).
        await client.SendAsync(RawMqttConnection.Connect("sensor-1", "sensor-1", Token(), properties: [0x15, .. RawMqttConnection.Utf8String("SCRAM-SHA-1")]));

        var connAck = await client.ExpectAsync(RawPacket.ConnAck);
        Assert.Equal((0x8C, "authentication_method_not_supported"), (connAck.ReasonCode, connAck.ReasonString));
    }

    private async Task<RawMqttConnection> Connect() => await _rig.ConnectAsync();

    private byte[] Token() => Encoding.ASCII.GetBytes(_world.MintAccessToken("sensor-1", _rig.Time.GetUtcNow()));

    private byte[] Telemetry(int qos = 1, bool retain = false, byte[]? extraProperties = null)
    {
        var device = _rig.Gateway.Device("sensor-1");
        var payload = "{}"u8.ToArray();
        var ts = _rig.Now;
        var signature = device.Sign(1, 1, payload, "application/json", "devices/sensor-1/telemetry", ts);
        return RawMqttConnection.Publish("devices/sensor-1/telemetry", 1, payload, SignedPublish.Properties(1, 1, ts, signature), "application/json", qos, retain, extraProperties);
    }

    private static async Task AssertDisconnected(RawMqttConnection client, string name, string expected)
    {
        var disconnect = await client.ExpectAsync(RawPacket.Disconnect);
        Assert.Equal(expected, $"0x{disconnect.ReasonCode:X2} {disconnect.ReasonString}");
        Assert.True(await client.ClosedAsync(), name);
    }
}
