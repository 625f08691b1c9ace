using System.Globalization;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Npgsql;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 14's failure drills on a real cluster (docs/scaling.md, "What a failure costs"): three
/// gateway processes in Cluster mode behind a TCP load balancer, a three-node NATS cluster holding
/// the journal (R3) and one PostgreSQL, devices of the device core streaming through them, a
/// webhook and the PostgreSQL sink behind the relay.
/// <list type="bullet">
/// <item>kill -9 of the gateway that started first (so it held the sinks' relay leases) while the
/// devices stream: its devices reconnect through the load balancer to the others and resend what was
/// not acknowledged, which another node judges against the same replay state, so the journal stream
/// holds each acknowledged message exactly once; the relay moves to a surviving node and resumes
/// from the sinks' saved positions, so the PostgreSQL sink's table holds each exactly once and the
/// webhook receives each at least once (its repeats are the records since the last saved position,
/// which docs/sinks.md tells webhook consumers to drop by event id);
/// then a message one node accepted, sent again as it was to another node, is a duplicate there;</item>
/// <item>kill -9 of one NATS node: ingest goes on, and nothing acknowledged is missing afterwards.</item>
/// </list>
/// The end is proved with sentinels: each device's last acknowledged message at each sink.
/// </summary>
public sealed class AClusterLosesAndRepeatsNothingWhenANodeIsKilledTests
{
    private const int Devices = 6;

    [Fact]
    public async Task AGatewayKilledMidStream()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var rig = await StartAsync(webhook);
        var fleet = await StreamingFleet.StartAsync(rig, Devices);
        await fleet.AcknowledgedAsync(5);

        await rig.KillAsync(0);
        await fleet.AcknowledgedAsync(15);
        await fleet.StopAsync();

        await AssertStoredExactlyOnceAsync(rig, webhook, fleet);

        // Replay protection across nodes, head on: a message one node accepted, sent again exactly
        // as it was to a live node that did not write it, is a duplicate there (PUBACK 0x00, journaled once).
        const string DeviceId = "meter-000";
        var id = fleet.Required(DeviceId)[2];
        var accepted = (await JournalAsync(rig)).Single(m => RecordId(m) == id);
        var target = accepted.Headers["M2M-Node"] == "node-1" ? 2 : 1;
        await using (var device = await SignedPublish.ConnectAsync(rig.NodeMqttPort(target), DeviceId, await rig.TokenAsync(DeviceId, fleet.Secret(DeviceId))))
        {
            var h = accepted.Headers;
            await device.SendAsync(RawMqttConnection.Publish(h["M2M-Topic"], 1, accepted.Data,
                SignedPublish.Properties(uint.Parse(h["M2M-Epoch"], CultureInfo.InvariantCulture), uint.Parse(h["M2M-Seq"], CultureInfo.InvariantCulture), long.Parse(h["M2M-Ts"], CultureInfo.InvariantCulture), h["M2M-Sig"]),
                h.GetValueOrDefault("M2M-Content-Type")));
            Assert.Equal(0x00, (await device.ExpectAsync(RawPacket.PubAck)).ReasonCode);
        }

        Assert.Equal(1, (await MetricsScrape.ReadAsync(rig.Gateway(target).BaseAddress)).Value("m2m_mqtt_messages_total", "reason", "duplicate"));
        fleet.AssertExactlyOnce("the journal stream after the resend", [.. (await JournalAsync(rig)).Select(RecordId)]);
    }

    [Fact]
    public async Task ANatsNodeKilledMidStream()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var rig = await StartAsync(webhook);
        var fleet = await StreamingFleet.StartAsync(rig, Devices);
        await fleet.AcknowledgedAsync(5);

        rig.Nats.Kill(1);
        await fleet.AcknowledgedAsync(15);
        await fleet.StopAsync();

        await AssertStoredExactlyOnceAsync(rig, webhook, fleet);
    }

    private static Task<ClusterRig> StartAsync(WebhookReceiver webhook) => ClusterRig.StartAsync(3, postgres =>
    [
        "--Gateway:Relay:Webhook:Url", webhook.Url.ToString(),
        "--Gateway:Relay:Postgres:ConnectionString", postgres.ConnectionString,
        "--Gateway:Relay:BatchSize", "8",
        "--Gateway:Relay:PositionSaveInterval", "00:00:05",
    ]);

    private static async Task AssertStoredExactlyOnceAsync(ClusterRig rig, WebhookReceiver webhook, StreamingFleet fleet)
    {
        fleet.AssertExactlyOnce("the journal stream", [.. (await JournalAsync(rig)).Select(RecordId)]);

        await Eventually.TrueAsync(async () => fleet.Sentinels.All(s => webhook.Deliveries.Any(d => d.Id == s)) && (await TableAsync(rig.Postgres)).Intersect(fleet.Sentinels).Count() == fleet.Sentinels.Count,
            "every sink to receive every device's last acknowledged message", TimeSpan.FromSeconds(60));
        fleet.AssertExactlyOnce("the PostgreSQL sink's table", await TableAsync(rig.Postgres));
        fleet.AssertAtLeastOnce("the webhook", [.. webhook.Deliveries.Select(d => d.Id!)]);
    }

    /// <summary>A journal record's <c>{device}/{generation}/{epoch}/{seq}</c>, from its subject and headers (docs/scaling.md, "The journal stream").</summary>
    private static string RecordId(StoredMessage m) =>
        $"{m.Subject[(m.Subject.LastIndexOf('.') + 1)..]}/{m.Headers["M2M-Generation"]}/{m.Headers["M2M-Epoch"]}/{m.Headers["M2M-Seq"]}";

    private static Task<IReadOnlyList<StoredMessage>> JournalAsync(ClusterRig rig) =>
        JetStreamMessages.ReadAllAsync(Enumerable.Range(0, rig.Nats.Count).Where(rig.Nats.IsRunning).Select(rig.Nats.Url).First(), "M2M_JOURNAL");

    private static async Task<IReadOnlyList<string>> TableAsync(PostgresServer postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT device || '/' || generation || '/' || epoch || '/' || seq FROM m2m_telemetry WHERE to_regclass('m2m_telemetry') IS NOT NULL ORDER BY device, epoch, seq", connection);
        var rows = new List<string>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The sink creates its table on its first delivery.
        }

        return rows;
    }
}
