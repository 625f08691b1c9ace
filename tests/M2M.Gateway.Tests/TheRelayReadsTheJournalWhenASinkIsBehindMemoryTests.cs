using System.Globalization;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// The relay takes committed records from the journal's memory tail, and from journal.db when a
/// sink is further behind (docs/ingress.md, "Relay"): after a restart with a backlog (the memory
/// is empty), and after an outage longer than the tail (<c>Gateway:Journal:TailRecords</c>). Either
/// way the sink gets every acknowledged record once, in order, up to a sentinel published afterwards.
/// </summary>
public sealed class TheRelayReadsTheJournalWhenASinkIsBehindMemoryTests : IAsyncLifetime
{
    private RelayRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RelayRig.StartAsync(webhookDown: true);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task AfterARestartTheBacklogIsReadFromTheJournal()
    {
        await using (var first = await _rig.StartGatewayAsync())
        {
            await using var device = await first.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
            await RelayRig.PublishAsync(device, 1, 30);
            await Eventually.TrueAsync(() => _rig.Webhook.Refused > 0, "the webhook to refuse the first record");
        }

        _rig.Webhook.Down = false;
        await using var second = await _rig.StartGatewayAsync();
        await _rig.Webhook.DeliveriesAsync(30);
        await using var again = await second.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await RelayRig.PublishAsync(again, 31, 31);
        await AssertDeliveredOnceInOrderAsync(31);
    }

    [Fact]
    public async Task AnOutageLongerThanTheMemoryTailIsReadFromTheJournal()
    {
        await using var gateway = await _rig.StartGatewayAsync(true, "--Gateway:Journal:TailRecords", "4", "--Gateway:Relay:File:Enabled", "false");
        await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await RelayRig.PublishAsync(device, 1, 20);
        await Eventually.TrueAsync(() => _rig.Webhook.Refused > 0, "the webhook to refuse the first record");

        _rig.Webhook.Down = false;
        await _rig.Webhook.DeliveriesAsync(20);
        await RelayRig.PublishAsync(device, 21, 21);
        await AssertDeliveredOnceInOrderAsync(21);
    }

    private async Task AssertDeliveredOnceInOrderAsync(int sentinel)
    {
        await Eventually.TrueAsync(() => _rig.WebhookIds.Contains($"sensor-1/1/1/{sentinel}"), "the sentinel to reach the webhook");
        Assert.Equal(Enumerable.Range(1, sentinel).Select(seq => $"sensor-1/1/1/{seq.ToString(CultureInfo.InvariantCulture)}"), _rig.WebhookIds);
        using var key = _rig.World.RecordKey();
        Assert.All(_rig.Webhook.Deliveries, d => Assert.True(RecordVerifier.Verify(d.Event, key, _rig.World.Issuer)));
    }
}
