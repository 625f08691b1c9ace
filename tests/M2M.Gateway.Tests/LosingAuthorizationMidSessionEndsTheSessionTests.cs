using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 9.4: when a device loses the authorization a live subscription rests on
/// (its roles changed), the gateway ends the session with DISCONNECT 0x87 `authorization_lost` at
/// its next re-check, and counts it.
/// </summary>
public sealed class LosingAuthorizationMidSessionEndsTheSessionTests : IAsyncLifetime
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private WireRig _rig = null!;

    public async Task InitializeAsync()
    {
        _world.Device("sensor-1").Roles.Add("observer");
        _rig = await WireRig.StartAsync(_world,
            "--Gateway:Mqtt:Authorization:Rules:0:Role", "observer",
            "--Gateway:Mqtt:Authorization:Rules:0:Subscribe:0", "tenants/{tenant}/alerts");
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task ASubscriptionNoLongerAllowedEndsTheSessionWithNotAuthorized()
    {
        await using var client = await _rig.ConnectAsync();
        await client.SendAsync(RawMqttConnection.Subscribe(1, "tenants/acme/alerts"));
        var subAck = await client.ExpectAsync(RawPacket.SubAck);
        Assert.Equal(0x01, subAck.Body[^1]);

        _rig.Gateway.Directory.SetRoles("sensor-1");

        var disconnect = await client.ExpectAsync(RawPacket.Disconnect);
        Assert.Equal((0x87, "authorization_lost"), (disconnect.ReasonCode, disconnect.ReasonString));
        Assert.Equal(1, await _rig.MetricAsync("m2m_mqtt_gateway_disconnects_total{reason=\"authorization_lost\"}"));
    }

    [Fact]
    public async Task AChangeThatKeepsTheSubscriptionAllowedKeepsTheSession()
    {
        await using var client = await _rig.ConnectAsync();
        await client.SendAsync(RawMqttConnection.Subscribe(1, "tenants/acme/alerts"));
        await client.ExpectAsync(RawPacket.SubAck);

        _rig.Gateway.Directory.SetRoles("sensor-1", "observer", "maintainer");

        // Sentinel: the re-check the change triggered has run once the sweep after it has; the
        // connection still answers a PINGREQ afterwards.
        await _rig.Gateway.Service<M2M.Gateway.Ingress.Sessions.SessionRegistry>().RevalidateAllAsync();
        await client.SendAsync(RawMqttConnection.PingReq());
        Assert.Equal(RawPacket.PingResp, (await client.ReadPacketAsync())!.Type);
    }
}
