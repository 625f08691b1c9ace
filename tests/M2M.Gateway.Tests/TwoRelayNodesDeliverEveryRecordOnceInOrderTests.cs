using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Cluster mode (docs/sinks.md, "Cluster mode"): two gateway nodes over one journal stream and one
/// webhook sink. Only the node holding the sink's lease delivers it, so the receiver gets every
/// record once, in journal order, although both nodes read the stream; the other node shows the
/// sink on standby. Seen failing with every lease granted (both nodes delivered each record).
/// </summary>
public sealed class TwoRelayNodesDeliverEveryRecordOnceInOrderTests : IAsyncLifetime
{
    private ClusterRelayRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterRelayRig.StartAsync(webhook: true);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task TheWebhookReceivesEachRecordOnceFromTheNodeHoldingTheLease()
    {
        var a = await _rig.StartWebhookNodeAsync("node-a", "--Gateway:Relay:File:Enabled", "false");
        var b = await _rig.StartWebhookNodeAsync("node-b", "--Gateway:Relay:File:Enabled", "false");

        // Mid-stream: records arrive while both nodes run and read them.
        await _rig.PublishAsync(1, 150);
        await _rig.Webhook.DeliveriesAsync(1);
        await _rig.PublishAsync(151, 300);

        Assert.Equal(ClusterRelayRig.EventIds(1, 300), await _rig.WebhookIdsThroughAsync(300));

        // One holder, the other on standby naming it.
        var held = new[] { (await MetricsScrape.ReadAsync(a.BaseAddress)).Value("m2m_relay_sink_held", "sink", "webhook"), (await MetricsScrape.ReadAsync(b.BaseAddress)).Value("m2m_relay_sink_held", "sink", "webhook") };
        Assert.Equal(1, held.Sum());
    }
}
