using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// The per-sink delivery metrics (docs/sinks.md, "Metrics"): failed attempts by reason, retries,
/// the lag in records and in seconds (the age of the oldest undelivered record) while a sink's
/// destination refuses, and all of it settled once it takes the backlog.
/// </summary>
public sealed class SinkMetricsCountRetriesFailuresByReasonAndLagInSecondsTests : IAsyncLifetime
{
    private RelayRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RelayRig.StartAsync(webhookDown: true);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task ARefusingWebhookShowsItsReasonRetriesAndAGrowingLag()
    {
        await using var gateway = await _rig.StartGatewayAsync();
        await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await RelayRig.PublishAsync(device, 1, 4);
        await Eventually.TrueAsync(() => _rig.Webhook.Refused > 2, "the webhook to refuse the first record a few times");

        var behind = await Eventually.ValueAsync(gateway.MetricsAsync, m => m.Value("m2m_relay_lag_seconds", "sink", "webhook") >= 1, "the webhook's lag to reach a second");
        Assert.Equal(4, behind.Value("m2m_relay_lag", "sink", "webhook"));
        Assert.True(behind.Value("m2m_relay_delivery_failures_total{sink=\"webhook\",reason=\"http 503\"}") >= 2, behind.Text);
        Assert.True(behind.Value("m2m_relay_retries_total", "sink", "webhook") >= 2, behind.Text);
        Assert.Equal(0, behind.Value("m2m_relay_lag_seconds", "sink", "file"));
        Assert.Equal(4, behind.Value("m2m_relay_delivered_total", "sink", "file"));

        _rig.Webhook.Down = false;
        await _rig.Webhook.DeliveriesAsync(4);
        var caughtUp = await Eventually.ValueAsync(gateway.MetricsAsync, m => m.Value("m2m_relay_delivered_total", "sink", "webhook") == 4, "the webhook to deliver the backlog");
        Assert.Equal(0, caughtUp.Value("m2m_relay_lag", "sink", "webhook"));
        Assert.Equal(0, caughtUp.Value("m2m_relay_lag_seconds", "sink", "webhook"));
    }
}
