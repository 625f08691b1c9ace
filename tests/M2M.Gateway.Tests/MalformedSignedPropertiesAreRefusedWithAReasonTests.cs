using System.Text;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;

namespace M2M.Gateway.Tests;

/// <summary>
/// m2m user properties that are not in the one canonical form of docs/protocol.md section 6.1 are
/// the message's fault: PUBACK 0x83 with the reason string `malformed_properties`, counted, and the
/// connection goes on (a device drops the message and sends the next). Never a silent disconnect:
/// a device with such a message at the head of its outbox would otherwise resend it forever.
/// </summary>
public sealed class MalformedSignedPropertiesAreRefusedWithAReasonTests : IAsyncLifetime
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private WireRig _rig = null!;

    public async Task InitializeAsync() => _rig = await WireRig.StartAsync(_world);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    /// <summary>A case: what it breaks, and the m2m properties (name, value) it sends instead of the valid ones.</summary>
    public static TheoryData<string, string[]> Cases => new()
    {
        { "sig with '+'", With("m2m-sig", Signature('+')) },
        { "sig with '/'", With("m2m-sig", Signature('/')) },
        { "sig with '*'", With("m2m-sig", Signature('*')) },
        { "sig with a non-canonical last character", With("m2m-sig", NonCanonicalLastCharacter()) },
        { "sig with padding", With("m2m-sig", ValidShape()[..42] + "=") },
        { "sig one character short", With("m2m-sig", ValidShape()[..42]) },
        { "sig one character long", With("m2m-sig", ValidShape() + "A") },
        { "sig empty", With("m2m-sig", string.Empty) },
        { "epoch with a leading zero", With("m2m-epoch", "07") },
        { "epoch with a sign", With("m2m-epoch", "+7") },
        { "epoch with a space", With("m2m-epoch", " 7") },
        { "epoch over 32 bits", With("m2m-epoch", "4294967296") },
        { "seq not a number", With("m2m-seq", "x") },
        { "seq over 64 bits", With("m2m-seq", "18446744073709551616") },
        { "ts negative", With("m2m-ts", "-1") },
        { "version with a leading zero", With("m2m-v", "01") },
        { "epoch missing", ["m2m-v", "1", "m2m-seq", "1", "m2m-ts", "0", "m2m-sig", ValidShape()] },
        { "epoch twice", ["m2m-v", "1", "m2m-epoch", "7", "m2m-epoch", "7", "m2m-seq", "1", "m2m-ts", "0", "m2m-sig", ValidShape()] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TheMessageIsRefusedWithPubAck0x83AndTheConnectionGoesOn(string name, string[] properties)
    {
        var device = _rig.Gateway.Device("sensor-1");
        await using var client = await _rig.ConnectAsync();
        var before = await Refused();

        var pairs = properties.Chunk(2).Select(p => (Encoding.UTF8.GetBytes(p[0]), Encoding.UTF8.GetBytes(p[1])));
        await client.SendAsync(RawMqttConnection.Publish("devices/sensor-1/telemetry", 1, "{}"u8.ToArray(), pairs, "application/json"));

        var refused = await client.ExpectAsync(RawPacket.PubAck);
        Assert.True(refused.PacketId == 1 && refused.ReasonCode == 0x83 && refused.ReasonString == "malformed_properties",
            $"{name}: PUBACK {refused.PacketId} 0x{refused.ReasonCode:x2} {refused.ReasonString}");
        Assert.Equal(before + 1, await Refused());

        // The same connection is still served: a valid message after it is accepted and relayed alone.
        await client.SendAsync(SignedPublish.Telemetry(device, 2, 1, 1, "{}"u8.ToArray(), _rig.Now));
        var accepted = await client.ExpectAsync(RawPacket.PubAck);
        Assert.Equal((2, 0x00), (accepted.PacketId, accepted.ReasonCode));
        var events = await _rig.Gateway.FileEventsAsync(1);
        Assert.Equal("sensor-1/1/1/1", Assert.Single(events).GetProperty("id").GetString());
    }

    private Task<double> Refused() => Scrape("m2m_mqtt_messages_total{reason=\"malformed_properties\"}");

    private static string[] With(string property, string value)
    {
        string[] valid = ["m2m-v", "1", "m2m-epoch", "7", "m2m-seq", "1", "m2m-ts", "0", "m2m-sig", ValidShape()];
        var index = Array.IndexOf(valid, property);
        valid[index + 1] = value;
        return valid;
    }

    // 43 base64url characters that decode to 32 bytes (the signature itself is never reached).
    private static string ValidShape() => new('A', 43);

    private static string Signature(char inserted) => ValidShape()[..20] + inserted + ValidShape()[21..];

    // The last of 43 characters carries 4 bits of the 32nd byte and 2 unused bits, which must be 0:
    // 'B' sets an unused bit, so it is not the canonical text of any 32 bytes.
    private static string NonCanonicalLastCharacter() => ValidShape()[..42] + "B";

    private async Task<double> Scrape(string series) => await _rig.MetricAsync(series);
}
