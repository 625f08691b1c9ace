using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// Bytes that are not a valid MQTT packet stream end only the connection that sent them (MQTT 5
/// section 4.13): before a CONNECT was accepted the gateway closes it without a word (it may not
/// send a DISCONNECT before its CONNACK, section 3.14), after one it closes it with DISCONNECT 0x81
/// (Malformed Packet); no session is opened, nothing is journaled, and a device on another
/// connection goes on publishing (the sentinel: its message is the only one relayed).
/// </summary>
public sealed class MalformedPacketsCloseOnlyTheirConnectionTests : IAsyncLifetime
{
    private DeviceRig _rig = null!;

    // A short CommunicationTimeout, so that the half packets below are given up on quickly (docs/ingress.md).
    public async Task InitializeAsync() => _rig = await DeviceRig.StartAsync(
        TestWorld.Create(("sensor-1", "acme"), ("sensor-2", "acme")), null, "--Gateway:Mqtt:CommunicationTimeout", "00:00:01");

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    public static TheoryData<string, byte[]> Garbage => new()
    {
        // An HTTP request sent to the MQTT port: its first bytes read as a packet header promising
        // more than is sent, so the communication timeout ends it.
        { "http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray() },
        // Packet type 0 is reserved (MQTT 5 section 2.1.2).
        { "reserved type", [0x00, 0x00] },
        // A PUBLISH before any CONNECT (section 3.1: CONNECT must be the first packet).
        { "publish first", [0x32, 0x07, 0x00, 0x01, (byte)'a', 0x00, 0x01, 0x00, 0x00] },
        // A remaining length longer than four bytes (section 1.5.5).
        { "bad length", [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] },
        // A CONNECT whose protocol name is not "MQTT" (section 3.1.2.1).
        { "bad protocol name", [0x10, 0x0D, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'X', (byte)'X', 0x05, 0x02, 0x00, 0x3C, 0x00, 0x00, 0x00] },
        // A CONNECT cut short: its length promises more than is sent, then the client hangs up.
        { "truncated connect", [0x10, 0x20, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task GarbageBeforeConnectIsClosedWithoutAReply(string name, byte[] bytes)
    {
        using (var connection = await RawMqttConnection.OpenAsync(_rig.Gateway.MqttPort))
        {
            await SendAllowingResetAsync(connection, bytes);
            if (name == "truncated connect")
            {
                connection.ShutdownSend();
            }

            var reply = await connection.ReadPacketAsync();
            Assert.True(reply == null, $"{name}: the gateway answered {reply}");
        }

        await AssertOnlyTheDeviceConnectedAndPublishesAsync();
    }

    [Fact]
    public async Task AMalformedPacketAfterConnectIsDisconnectedWithMalformedPacket()
    {
        using (var connection = await RawMqttConnection.OpenAsync(_rig.Gateway.MqttPort))
        {
            await connection.SendAsync(RawMqttConnection.Connect("sensor-2", "sensor-2", _rig.World.MintAccessToken("sensor-2", _rig.Time.GetUtcNow()), 60));
            var connAck = await connection.ReadPacketAsync();
            Assert.Equal((2, (byte)0x00), (connAck!.Type, connAck.ReasonCode));

            // A PUBLISH whose topic length (0x00FF) runs past the end of the packet (section 1.5.4).
            await SendAllowingResetAsync(connection, [0x32, 0x05, 0x00, 0xFF, (byte)'a', 0x00, 0x01]);

            var reply = await connection.ReadPacketAsync();
            Assert.NotNull(reply);
            Assert.Equal((14, (byte)0x81), (reply.Type, reply.ReasonCode));
        }

        var result = await _rig.Device.PublishAsync(_rig.Device.Telemetry(1, 1, "{}"u8.ToArray()));
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        Assert.Equal(["sensor-1/1/1/1"], (await _rig.Gateway.FileEventsAsync(1)).Select(e => e.GetProperty("id").GetString()));
    }

    private async Task AssertOnlyTheDeviceConnectedAndPublishesAsync()
    {
        var result = await _rig.Device.PublishAsync(_rig.Device.Telemetry(1, 1, "{}"u8.ToArray()));
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        Assert.Equal(["sensor-1/1/1/1"], (await _rig.Gateway.FileEventsAsync(1)).Select(e => e.GetProperty("id").GetString()));

        // The device's CONNECT is the only one the gateway accepted; the garbage was never taken for one.
        var metrics = await _rig.Gateway.MetricsAsync();
        Assert.Equal(1, metrics.Value("m2m_mqtt_connects_total", "result", "ok"));
        Assert.Equal(1, metrics.Value("m2m_mqtt_sessions"));
    }

    private static async Task SendAllowingResetAsync(RawMqttConnection connection, byte[] bytes)
    {
        try
        {
            await connection.SendAsync(bytes);
        }
        catch (IOException)
        {
            // The gateway may close the connection before all the garbage is written.
        }
    }
}
