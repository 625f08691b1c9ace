using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 14's failure drills on a real cluster (docs/scaling.md, "What a failure costs"): three
/// gateway processes in Cluster mode behind a TCP load balancer, a three-node NATS cluster holding
/// the journal (R3) and one PostgreSQL, devices of the device core streaming through them, a
/// webhook and the PostgreSQL sink behind the relay.
/// <list type="bullet">
/// <item>kill -9 of the gateway that started first (so it held the sinks' relay leases) while the
/// devices stream: its devices reconnect through the load balancer to the others and resend what was
/// not acknowledged, which another node judges against the same replay state; the journal stream and
/// every sink then hold each acknowledged message exactly once (the webhook receiver keeps every
/// delivery, so a repeat would show);</item>
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

    private static Task<ClusterRig> StartAsync(WebhookReceiver webhook) => ClusterRig.StartAsync(3,
        "--Gateway:Relay:Webhook:Url", webhook.Url.ToString(),
        "--Gateway:Relay:BatchSize", "8",
        "--Gateway:Relay:PositionSaveInterval", "00:00:05");

    private static async Task AssertStoredExactlyOnceAsync(ClusterRig rig, WebhookReceiver webhook, StreamingFleet fleet)
    {
        var journalUrl = Enumerable.Range(0, rig.Nats.Count).Where(rig.Nats.IsRunning).Select(rig.Nats.Url).First();
        var journal = (await JetStreamMessages.ReadAllAsync(journalUrl, "M2M_JOURNAL")).Select(m => m.Headers["Nats-Msg-Id"]).ToList();
        fleet.AssertExactlyOnce("the journal stream", journal);

        await Eventually.TrueAsync(() => fleet.Sentinels.All(s => webhook.Deliveries.Any(d => d.Id == s)), "the webhook to receive every device's last acknowledged message", TimeSpan.FromSeconds(60));
        fleet.AssertExactlyOnce("the webhook", [.. webhook.Deliveries.Select(d => d.Id!)]);
    }
}
