using System.Globalization;
using System.Text.Json;
using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// The webhook sink, against a real HTTP receiver on loopback that is down for a while: the
/// backlog is delivered once it returns, each event once, in order per device; a record that
/// keeps failing goes to the dead letters after the configured attempts.
/// </summary>
public sealed class WebhookBacklogIsDeliveredInOrderAfterAnOutageTests : IAsyncLifetime
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"), ("sensor-2", "acme"));
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(down: true);

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task TheBacklogArrivesOnceInOrderWhenTheReceiverReturns()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, null, Webhook(maxAttempts: 1000));
        await using var one = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await using var two = await gateway.ConnectAsync("sensor-2", DateTimeOffset.UtcNow);
        for (var seq = 1u; seq <= 10; seq++)
        {
            Assert.Equal(MqttClientPublishReasonCode.Success, (await one.PublishAsync(one.Telemetry(1, seq, [(byte)seq]))).ReasonCode);
            Assert.Equal(MqttClientPublishReasonCode.Success, (await two.PublishAsync(two.Telemetry(1, seq, [(byte)seq]))).ReasonCode);
        }

        await Eventually.TrueAsync(() => _receiver.Refused >= 3, "the receiver to refuse three deliveries");
        _receiver.Down = false;
        await _receiver.DeliveriesAsync(20);
        // The sentinel: published after the backlog was delivered, so a repeat of any of it would come before it.
        Assert.Equal(MqttClientPublishReasonCode.Success, (await one.PublishAsync(one.Telemetry(1, 11, [11]))).ReasonCode);
        var deliveries = await _receiver.DeliveriesAsync(21);

        Assert.Equal(21, deliveries.Count);
        Assert.Equal("sensor-1/1/1/11", deliveries[^1].Id);
        Assert.All(deliveries, d => Assert.Equal("application/cloudevents+json; charset=utf-8", d.ContentType));
        var events = deliveries.Take(20).Select(d => d.Event).ToList();
        Assert.Equal(20, events.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        foreach (var device in new[] { "sensor-1", "sensor-2" })
        {
            Assert.Equal(
                Enumerable.Range(1, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)),
                events.Where(e => e.GetProperty("m2mdevice").GetString() == device).Select(e => e.GetProperty("m2mseq").GetString()));
        }

        using var gatewayKey = _world.RecordKey();
        Assert.All(events, e => Assert.True(RecordVerifier.Verify(e, gatewayKey)));
    }

    [Fact]
    public async Task ARecordThatKeepsFailingIsDeadLetteredAndTheNextOneDelivered()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, null, Webhook(maxAttempts: 2));
        await using var one = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await one.PublishAsync(one.Telemetry(1, 1, [1]));
        var journal = gateway.Service<TelemetryJournal>();
        await Eventually.TrueAsync(() => journal.ReadDeadLetters("webhook").Count == 1, "one dead letter");

        _receiver.Down = false;
        await one.PublishAsync(one.Telemetry(1, 2, [2]));

        Assert.Equal("sensor-1/1/1/2", Assert.Single(await _receiver.DeliveriesAsync(1)).Id);
        Assert.Equal("sensor-1/1/1/1", JsonDocument.Parse(journal.ReadDeadLetters("webhook")[0].Event).RootElement.GetProperty("id").GetString());
    }

    private string[] Webhook(int maxAttempts) =>
    [
        "--Gateway:Relay:Webhook:Url", _receiver.Url.ToString(),
        "--Gateway:Relay:MaxAttempts", maxAttempts.ToString(CultureInfo.InvariantCulture),
        "--Gateway:Relay:InitialBackoff", "00:00:00.020",
        "--Gateway:Relay:MaxBackoff", "00:00:00.100",
    ];
}
