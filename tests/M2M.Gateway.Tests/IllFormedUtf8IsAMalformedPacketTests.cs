using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests;

/// <summary>
/// MQTT 5 section 1.5.4: a UTF-8 string that is ill-formed or contains U+0000 makes the packet
/// malformed, and section 4.13 has the receiver close the connection (DISCONNECT 0x81). A user
/// property name or value like that is never accepted, journaled or relayed.
/// </summary>
public sealed class IllFormedUtf8IsAMalformedPacketTests : IAsyncLifetime
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private WireRig _rig = null!;

    public async Task InitializeAsync() => _rig = await WireRig.StartAsync(_world);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    public static TheoryData<string, byte[]> Strings => new()
    {
        { "a lone continuation byte", [0x61, 0x80] },
        { "a truncated sequence", [0xC3] },
        { "0xFF", [0xFF] },
        { "an overlong encoding of '/'", [0xC0, 0xAF] },
        { "an encoded surrogate", [0xED, 0xA0, 0x80] },
        { "U+0000", [0x61, 0x00] },
    };

    [Theory]
    [MemberData(nameof(Strings))]
    public async Task InAUserPropertyNameItClosesTheConnectionWithMalformedPacket(string name, byte[] bytes) =>
        await AssertMalformed(name, [(bytes, "x"u8.ToArray())]);

    [Theory]
    [MemberData(nameof(Strings))]
    public async Task InAUserPropertyValueItClosesTheConnectionWithMalformedPacket(string name, byte[] bytes) =>
        await AssertMalformed(name, [("note"u8.ToArray(), bytes)]);

    private async Task AssertMalformed(string name, (byte[] Name, byte[] Value)[] extra)
    {
        var device = _rig.Gateway.Device("sensor-1");
        var payload = "{}"u8.ToArray();
        var ts = _rig.Now;
        await using (var client = await _rig.ConnectAsync())
        {
            // A correctly signed message (other user properties are not signed) with one bad string.
            var signature = device.Sign(1, 1, payload, "application/json", "devices/sensor-1/telemetry", ts);
            var properties = SignedPublish.Properties(1, 1, ts, signature).Concat(extra);
            await client.SendAsync(RawMqttConnection.Publish("devices/sensor-1/telemetry", 1, payload, properties, "application/json"));

            var disconnect = await client.ExpectAsync(RawPacket.Disconnect);
            Assert.True(disconnect.ReasonCode == 0x81 && !string.IsNullOrEmpty(disconnect.ReasonString), $"{name}: DISCONNECT 0x{disconnect.ReasonCode:x2} {disconnect.ReasonString}");
            Assert.True(await client.ClosedAsync());
        }

        // Nothing of it was relayed: the next message (epoch 1, seq 2) is the first and only record.
        await using var again = await _rig.ConnectAsync();
        await again.SendAsync(SignedPublish.Telemetry(device, 1, 1, 2, payload, ts));
        Assert.Equal(0x00, (await again.ExpectAsync(RawPacket.PubAck)).ReasonCode);
        Assert.Equal("sensor-1/1/1/2", Assert.Single(await _rig.Gateway.FileEventsAsync(1)).GetProperty("id").GetString());
    }
}
