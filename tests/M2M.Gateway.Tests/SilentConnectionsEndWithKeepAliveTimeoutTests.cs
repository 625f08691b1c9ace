using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 9.4: a session that sends no packet within 1.5 × its Keep Alive is
/// ended with DISCONNECT 0x8D (MQTT 5 section 3.1.2.10). Keep-alive runs on real time; the
/// client is a raw socket, since a library client sends PINGREQs by itself.
/// </summary>
public sealed class SilentConnectionsEndWithKeepAliveTimeoutTests
{
    [Fact]
    public async Task ASilentSessionGetsKeepAliveTimeout()
    {
        FakeTimeProvider time = TestClock.Fixed();
        var world = TestWorld.Create(("sensor-1", "acme"));
        await using var gateway = await InProcessGateway.StartAsync(world, time);
        using var connection = await RawMqttConnection.OpenAsync(gateway.MqttPort);
        await connection.SendAsync(RawMqttConnection.Connect("sensor-1", "sensor-1", world.MintAccessToken("sensor-1", time.GetUtcNow()), keepAliveSeconds: 1));
        var connAck = await connection.ReadPacketAsync();
        Assert.Equal((2, (byte)0x00), (connAck!.Type, connAck.ReasonCode));

        var disconnect = await connection.ReadPacketAsync();

        Assert.NotNull(disconnect);
        Assert.Equal((14, (byte)0x8D), (disconnect.Type, disconnect.ReasonCode));
    }
}
