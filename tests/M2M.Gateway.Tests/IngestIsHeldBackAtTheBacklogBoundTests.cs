using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/ingress.md, "Backlog" (and docs/scaling.md, "Failure modes", in Cluster mode): when the
/// slowest enabled sink is `MaxBacklog` records behind, the gateway acknowledges nothing more until
/// it catches up: never a drop, never a failure PUBACK. The messages held are journaled and
/// acknowledged once the sink is back, and each is delivered once. The same on one node (SQLite
/// journal) and on a cluster node (JetStream journal, sink positions in PostgreSQL).
/// </summary>
public sealed class IngestIsHeldBackAtTheBacklogBoundTests : IAsyncLifetime
{
    // The relay retries on the real clock here: its back-off is what brings the sink back.
    private readonly long _collected = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private readonly List<IAsyncDisposable> _owned = [];
    private WebhookReceiver _webhook = null!;
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync() => _webhook = await WebhookReceiver.StartAsync(down: true);

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await _webhook.DisposeAsync();
    }

    [Theory]
    [InlineData("Embedded")]
    [InlineData("Cluster")]
    public async Task NothingIsAcknowledgedAtTheBoundAndEverythingIsDeliveredOnceAfterIt(string mode)
    {
        await StartGatewayAsync(mode);
        var device = _gateway.Device("sensor-1");
        var backlog = _gateway.Service<ISinkPositions>();
        await using (var client = await Connect())
        {
            // Three reach the journal while the webhook is down: the backlog is at its bound (a
            // cluster node sees it once its reader has followed the stream to these records).
            for (var seq = 1u; seq <= 3; seq++)
            {
                await client.SendAsync(Message(device, seq));
                Assert.Equal(((int)seq, 0x00), Ack(await client.ExpectAsync(RawPacket.PubAck)));
            }

            await Eventually.TrueAsync(() => backlog.Backlog == 3, "the backlog to count the three records");

            // The fourth is held: it is still unacknowledged when the fifth comes, which a Receive
            // Maximum of 1 makes a protocol error (MQTT 5 section 3.3.4): proof that no PUBACK left.
            await client.SendAsync(Message(device, 4));
            await client.SendAsync(Message(device, 5));
            var disconnect = await client.ExpectAsync(RawPacket.Disconnect);
            Assert.Equal((0x93, "receive_maximum_exceeded"), ((int)disconnect.ReasonCode, disconnect.ReasonString));
        }

        // The sink comes back; the device resends what was not acknowledged.
        _webhook.Down = false;
        await using (var client = await Connect())
        {
            for (var seq = 4u; seq <= 5; seq++)
            {
                await client.SendAsync(Message(device, seq));
                Assert.Equal(((int)seq, 0x00), Ack(await client.ExpectAsync(RawPacket.PubAck)));
            }
        }

        var deliveries = await _webhook.DeliveriesAsync(5);
        Assert.Equal(["sensor-1/1/1/1", "sensor-1/1/1/2", "sensor-1/1/1/3", "sensor-1/1/1/4", "sensor-1/1/1/5"], deliveries.Select(d => d.Id));
    }

    private async Task StartGatewayAsync(string mode)
    {
        string[] arguments =
        [
            "--Gateway:Relay:File:Enabled", "false",
            "--Gateway:Relay:Webhook:Url", _webhook.Url.ToString(),
            "--Gateway:Relay:MaxAttempts", "1000000",
            "--Gateway:Relay:InitialBackoff", "00:00:00.010",
            "--Gateway:Relay:MaxBackoff", "00:00:00.050",
            "--Gateway:Journal:MaxBacklog", "3",
            "--Gateway:Mqtt:ReceiveMaximum", "1",
        ];
        if (mode == "Cluster")
        {
            var postgres = await PostgresServer.StartAsync();
            _owned.Add(postgres);
            var nats = await NatsServer.StartAsync();
            _owned.Insert(0, nats);
            arguments =
            [
                .. arguments,
                "--Gateway:Cluster:Mode", "Cluster",
                "--Gateway:Cluster:NodeId", "node-a",
                "--Gateway:Cluster:Postgres", postgres.ConnectionString,
                "--Gateway:Cluster:Nats", nats.Url,
                "--Gateway:Cluster:Replicas", "1",
                "--Gateway:Cluster:Relay:BacklogInterval", "00:00:00.100",
                "--Gateway:Cluster:Relay:LeaseInterval", "00:00:00.200",
            ];
        }

        _gateway = await InProcessGateway.StartAsync(_world, null, arguments);
        _owned.Insert(0, _gateway);
    }

    private static (int, int) Ack(RawPacket packet) => (packet.PacketId, packet.ReasonCode);

    private byte[] Message(TestDevice device, uint seq) =>
        SignedPublish.Telemetry(device, (ushort)seq, 1, seq, System.Text.Encoding.UTF8.GetBytes($"{{\"n\":{seq}}}"), _collected);

    private async Task<RawMqttConnection> Connect() =>
        await SignedPublish.ConnectAsync(_gateway.MqttPort, "sensor-1", _world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow));
}
