using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/ingress.md, "Sessions": stopping the gateway ends every MQTT connection with DISCONNECT 0x8B
/// (Server shutting down, MQTT 5 section 3.14.2.1), so devices know to resend elsewhere.
/// </summary>
public sealed class StoppingTheGatewayDisconnectsDevicesFirstTests
{
    [Fact]
    public async Task EveryConnectionGetsServerShuttingDown()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var world = TestWorld.Create(("sensor-1", "acme"));
        var gateway = await InProcessGateway.StartAsync(world, time);
        await using var client = await SignedPublish.ConnectAsync(gateway.MqttPort, "sensor-1", world.MintAccessToken("sensor-1", time.GetUtcNow()));

        await gateway.DisposeAsync();

        var disconnect = await client.ExpectAsync(RawPacket.Disconnect);
        Assert.Equal((0x8B, "server_shutting_down"), (disconnect.ReasonCode, disconnect.ReasonString));
    }
}
