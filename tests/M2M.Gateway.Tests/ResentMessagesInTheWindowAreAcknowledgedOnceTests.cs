using System.Globalization;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/protocol.md section 8: a device keeps several QoS 1 messages in flight; when their PUBACKs are
/// lost it resends them all, in order, on its next connection. Each one the gateway had accepted is
/// acknowledged 0x00 again and not relayed twice, for the whole window (the announced Receive
/// Maximum), across a restart of the gateway too; only other content under the same numbers, or a
/// message older than the window, is `replayed`.
/// </summary>
public sealed class ResentMessagesInTheWindowAreAcknowledgedOnceTests : IAsyncLifetime
{
    private const int InFlight = 8;
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-window-").FullName;
    private WireRig _rig = null!;

    public async Task InitializeAsync() => _rig = await WireRig.StartAsync(_world, "--Gateway:Mqtt:ReceiveMaximum", "8");

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task EveryMessageOfTheWindowResentIsAcknowledgedAndRelayedOnce()
    {
        var device = _rig.Gateway.Device("sensor-1");

        // Eight in flight at once; their PUBACKs are read here, but the device never gets them.
        await using (var first = await Connect())
        {
            await first.SendAsync([.. Enumerable.Range(1, InFlight).SelectMany(seq => Message(device, (uint)seq))]);
            foreach (var seq in Enumerable.Range(1, InFlight))
            {
                Assert.Equal((seq, 0x00), Ack(await first.ExpectAsync(RawPacket.PubAck)));
            }
        }

        // The next connection resends all eight, in order, then a new message as a sentinel.
        await using var second = await Connect();
        await SendAndExpectAcceptedAsync(second, device, 1, InFlight);
        await SendAndExpectAcceptedAsync(second, device, InFlight + 1, 1);

        var events = await _rig.Gateway.FileEventsAsync(InFlight + 1);
        Assert.Equal(Enumerable.Range(1, InFlight + 1).Select(Id), events.Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task OtherContentUnderTheSameNumbersIsReplayed()
    {
        var device = _rig.Gateway.Device("sensor-1");
        await using var client = await Connect();
        await client.SendAsync(Message(device, 1));
        Assert.Equal((1, 0x00), Ack(await client.ExpectAsync(RawPacket.PubAck)));

        await client.SendAsync(SignedPublish.Telemetry(device, 2, 1, 1, "{\"other\":true}"u8.ToArray(), _rig.Now));

        var refused = await client.ExpectAsync(RawPacket.PubAck);
        Assert.Equal((2, 0x83, "replayed"), (refused.PacketId, refused.ReasonCode, refused.ReasonString));
    }

    [Fact]
    public async Task AMessageOlderThanTheWindowIsReplayed()
    {
        var device = _rig.Gateway.Device("sensor-1");
        await using var client = await Connect();
        await SendAndExpectAcceptedAsync(client, device, 1, InFlight);
        await SendAndExpectAcceptedAsync(client, device, InFlight + 1, 1);

        // Message 1 left the window of eight when message 9 was accepted.
        await client.SendAsync(Message(device, 1, packetId: 100));

        var refused = await client.ExpectAsync(RawPacket.PubAck);
        Assert.Equal((100, 0x83, "replayed"), (refused.PacketId, refused.ReasonCode, refused.ReasonString));
    }

    [Fact]
    public async Task TheWindowSurvivesARestart()
    {
        var worldPath = Path.Combine(_folder, "world.json");
        var dataDirectory = Path.Combine(_folder, "data");
        _world.Save(worldPath);
        var port = LoopbackPort.Free();
        var device = new TestDevice(_world, "sensor-1", port);
        var token = _world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow);
        var collected = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using (var gateway = await StartAsync(worldPath, dataDirectory, port))
        {
            await using var first = await SignedPublish.ConnectAsync(port, "sensor-1", token);
            await first.SendAsync([.. Enumerable.Range(1, InFlight).SelectMany(seq => Message(device, (uint)seq, now: collected))]);
            for (var i = 0; i < InFlight; i++)
            {
                await first.ExpectAsync(RawPacket.PubAck);
            }

            await gateway.KillAsync();
        }

        port = LoopbackPort.Free();
        device = new TestDevice(_world, "sensor-1", port);
        await using (var gateway = await StartAsync(worldPath, dataDirectory, port))
        {
            await using var second = await SignedPublish.ConnectAsync(port, "sensor-1", token);
            await SendAndExpectAcceptedAsync(second, device, 1, InFlight, collected);
            await SendAndExpectAcceptedAsync(second, device, InFlight + 1, 1, collected);

            var events = await FileSink.ReadAsync(Path.Combine(dataDirectory, "telemetry.jsonl"), InFlight + 1);
            Assert.Equal(Enumerable.Range(1, InFlight + 1).Select(Id), events.Select(e => e.GetProperty("id").GetString()));
        }
    }

    /// <summary>Sends messages first..first+count-1 at once (within the Receive Maximum) and expects each acknowledged 0x00, in order.</summary>
    private static async Task SendAndExpectAcceptedAsync(RawMqttConnection client, TestDevice device, int first, int count, long? now = null)
    {
        await client.SendAsync([.. Enumerable.Range(first, count).SelectMany(seq => Message(device, (uint)seq, now: now))]);
        foreach (var seq in Enumerable.Range(first, count))
        {
            Assert.Equal((seq, 0x00), Ack(await client.ExpectAsync(RawPacket.PubAck)));
        }
    }

    private static string Id(int seq) => "sensor-1/1/1/" + seq.ToString(CultureInfo.InvariantCulture);

    private static (int, int) Ack(RawPacket packet) => (packet.PacketId, packet.ReasonCode);

    // The same content every time it is sent, as a device's resend is.
    private static byte[] Message(TestDevice device, uint seq, ushort? packetId = null, long? now = null) =>
        SignedPublish.Telemetry(device, packetId ?? (ushort)seq, 1, seq, System.Text.Encoding.UTF8.GetBytes($"{{\"n\":{seq}}}"), now ?? TestClock.Start.ToUnixTimeMilliseconds());

    private async Task<RawMqttConnection> Connect() =>
        await _rig.ConnectAsync();

    private static Task<GatewayProcess> StartAsync(string worldPath, string dataDirectory, int port) =>
        GatewayProcess.StartAsync("M2M.Gateway.TestHost.dll", dataDirectory,
            "--TestWorld", worldPath, "--Gateway:Mqtt:Port", port.ToString(CultureInfo.InvariantCulture), "--Gateway:Mqtt:ReceiveMaximum", "8");
}
