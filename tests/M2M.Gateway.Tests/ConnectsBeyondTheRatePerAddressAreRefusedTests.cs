using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/ingress.md, "Broker": with `ConnectsPerSecondPerAddress` set, an address that CONNECTs faster
/// than its token bucket allows gets CONNACK 0x9F (Connection rate exceeded, MQTT 5 section 3.2.2.2),
/// counted under `connection_rate_exceeded`; off by default, as devices behind one NAT share an address.
/// </summary>
public sealed class ConnectsBeyondTheRatePerAddressAreRefusedTests : IAsyncLifetime
{
    private WireRig _rig = null!;

    public async Task InitializeAsync() => _rig = await WireRig.StartAsync(TestWorld.Create(("sensor-1", "acme")),
        "--Gateway:Mqtt:ConnectsPerSecondPerAddress", "0.1",
        "--Gateway:Mqtt:ConnectBurstPerAddress", "2");

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task TheConnectAfterTheBurstIsRefusedWithConnectionRateExceeded()
    {
        // The burst: two CONNECTs from 127.0.0.1 (the second takes the first's session over).
        await using (await _rig.ConnectAsync())
        {
        }

        await using (await _rig.ConnectAsync())
        {
        }

        await using var third = await RawMqttConnection.OpenAsync(_rig.Gateway.MqttPort);
        await third.SendAsync(RawMqttConnection.Connect("sensor-1", "sensor-1", _rig.World.MintAccessToken("sensor-1", _rig.Time.GetUtcNow()), 60));

        var connAck = await third.ExpectAsync(RawPacket.ConnAck);
        Assert.Equal((0x9F, "connection_rate_exceeded"), ((int)connAck.ReasonCode, connAck.ReasonString));
        Assert.Equal(1, await _rig.MetricAsync("m2m_mqtt_connects_total{result=\"connection_rate_exceeded\"}"));
    }
}
