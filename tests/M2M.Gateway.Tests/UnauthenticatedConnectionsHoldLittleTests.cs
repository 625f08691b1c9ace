using System.Text;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// What a client can make the gateway hold before it has authenticated (docs/ingress.md, "What one
/// connection can hold"): a packet is judged by the size its fixed header declares, before its body
/// is read, and only so many connections may wait unauthenticated at once.
/// </summary>
public sealed class UnauthenticatedConnectionsHoldLittleTests : IAsyncLifetime
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"), ("sensor-2", "acme"));
    private WireRig _rig = null!;

    public async Task InitializeAsync() =>
        _rig = await WireRig.StartAsync(_world,
            "--Gateway:Mqtt:MaxUnauthenticatedConnections", "2",
            "--Gateway:Mqtt:CommunicationTimeout", "00:01:00");

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task AConnectDeclaringTwoHundredMegabytesIsRefusedFromItsHeader()
    {
        await using var client = await RawMqttConnection.OpenAsync(_rig.Gateway.MqttPort);

        // Only the fixed header: type CONNECT, Remaining Length 200 MB. No body follows.
        await client.SendAsync([0x10, .. RawMqttConnection.VariableInteger(200 * 1024 * 1024)]);

        var connAck = await client.ExpectAsync(RawPacket.ConnAck);
        Assert.Equal(0x95, connAck.ReasonCode);
        Assert.Equal("packet_too_large", connAck.ReasonString);
        Assert.True(await client.ClosedAsync());
    }

    [Fact]
    public async Task APublishOverTheMaximumPacketSizeIsRefusedFromItsHeader()
    {
        await using var client = await _rig.ConnectAsync();

        // A PUBLISH header declaring 10 MB, over the announced 69632 bytes; its body never comes.
        await client.SendAsync([0x32, .. RawMqttConnection.VariableInteger(10 * 1024 * 1024)]);

        var disconnect = await client.ExpectAsync(RawPacket.Disconnect);
        Assert.Equal(0x95, disconnect.ReasonCode);
        Assert.Equal("packet_too_large", disconnect.ReasonString);
        Assert.True(await client.ClosedAsync());
    }

    [Fact]
    public async Task ConnectionsBeyondTheUnauthenticatedLimitAreClosedAtOnceUntilOneAuthenticates()
    {
        await using var first = await RawMqttConnection.OpenAsync(_rig.Gateway.MqttPort);
        await using var second = await RawMqttConnection.OpenAsync(_rig.Gateway.MqttPort);
        await Eventually.ValueAsync(() => Scrape("m2m_mqtt_unauthenticated_connections"), n => n == 2, "two unauthenticated connections");

        // A third is closed as it is accepted, long before the one-minute communication timeout
        // (on a busy machine the reset can even reach the client while its connect completes).
        try
        {
            await using var third = await RawMqttConnection.OpenAsync(_rig.Gateway.MqttPort);
            Assert.True(await third.ClosedAsync(TimeSpan.FromSeconds(20)));
        }
        catch (System.Net.Sockets.SocketException exception) when (exception.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
        }

        Assert.Equal(1, await _rig.MetricAsync("m2m_mqtt_connections_dropped_total{reason=\"unauthenticated_limit\"}"));

        // Once one of the two authenticates, its place is free for another.
        await first.SendAsync(RawMqttConnection.Connect("sensor-1", "sensor-1", Encoding.ASCII.GetBytes(_world.MintAccessToken("sensor-1", _rig.Time.GetUtcNow()))));
        Assert.Equal(0x00, (await first.ExpectAsync(RawPacket.ConnAck)).ReasonCode);
        await Eventually.ValueAsync(() => Scrape("m2m_mqtt_unauthenticated_connections"), n => n == 1, "one unauthenticated connection");
        await using var fourth = await _rig.ConnectAsync("sensor-2");
    }

    private async Task<double> Scrape(string series) => await _rig.MetricAsync(series);
}
