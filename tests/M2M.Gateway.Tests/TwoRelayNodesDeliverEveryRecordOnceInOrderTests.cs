using M2M.Gateway.Tests.Support;
using M2M.Testing;

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
    private WebhookReceiver _webhook = null!;

    public async Task InitializeAsync()
    {
        _rig = await ClusterRelayRig.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _webhook.DisposeAsync();
    }

    [Fact]
    public async Task TheWebhookReceivesEachRecordOnceFromTheNodeHoldingTheLease()
    {
        string[] sinks = ["--Gateway:Relay:File:Enabled", "false", "--Gateway:Relay:Webhook:Url", _webhook.Url.ToString()];
        var a = await _rig.StartNodeAsync("node-a", sinks);
        var b = await _rig.StartNodeAsync("node-b", sinks);

        // Mid-stream: records arrive while both nodes run and read them.
        await _rig.PublishAsync(1, 150);
        await _webhook.DeliveriesAsync(1);
        await _rig.PublishAsync(151, 300);

        // The last record is the sentinel: once it has arrived, everything before it has.
        var sentinel = ClusterRelayRig.EventId(300);
        var received = await Eventually.ValueAsync(() => _webhook.Deliveries.Select(d => d.Id!).ToList(), ids => ids.Contains(sentinel), "the sentinel at the webhook");
        var expected = Enumerable.Range(1, 300).Select(seq => ClusterRelayRig.EventId((uint)seq)).ToList();
        Assert.Equal(expected, received.TakeWhile(id => id != sentinel).Append(sentinel));

        // One holder, the other on standby naming it.
        var held = new[] { (await MetricsScrape.ReadAsync(a.BaseAddress)).Value("m2m_relay_sink_held", "sink", "webhook"), (await MetricsScrape.ReadAsync(b.BaseAddress)).Value("m2m_relay_sink_held", "sink", "webhook") };
        Assert.Equal(1, held.Sum());
    }
}
