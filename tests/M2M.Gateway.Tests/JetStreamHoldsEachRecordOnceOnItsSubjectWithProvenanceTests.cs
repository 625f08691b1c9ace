using M2M.Gateway.Journal;
using M2M.Gateway.Relay;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// The NATS JetStream sink against a real nats-server (docs/sinks.md, "NATS JetStream"): each
/// record is stored once on <c>m2m.telemetry.{tenant}.{device}.{stream}</c>, as a CloudEvent in
/// binary or structured mode that verifies with the gateway's key, with <c>Nats-Msg-Id</c> = the
/// event id; a server outage delays records and repeats none; a refused password fails the sink
/// with its reason and a metric while the records wait, and they all arrive once it is right.
/// </summary>
public sealed class JetStreamHoldsEachRecordOnceOnItsSubjectWithProvenanceTests : IAsyncLifetime
{
    private const string Stream = "M2M_TELEMETRY";
    private RelayRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RelayRig.StartAsync(webhookDown: false);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task BinaryRecordsVerifyAndAnOutageDelaysThemWithoutRepeatingAny()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var gateway = await _rig.StartGatewayAsync(false, Settings(nats.Url));
        await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await PublishAsync(device, 1, 3);
        await WaitForPositionAsync(gateway, 3);

        var stored = await JetStreamMessages.ReadAllAsync(nats.Url, Stream);
        Assert.Equal(3, stored.Count);
        using var key = _rig.World.RecordKey();
        foreach (var (message, seq) in stored.Select((m, i) => (m, i + 1)))
        {
            Assert.Equal("m2m.telemetry.acme.sensor-1.power", message.Subject);
            Assert.Equal($"sensor-1/1/1/{seq}", message.Headers["Nats-Msg-Id"]);
            Assert.Equal($"sensor-1/1/1/{seq}", message.Headers["ce-id"]);
            Assert.Equal("application/json", message.Headers["content-type"]);
            Assert.Equal($"{{\"w\":{seq}}}", System.Text.Encoding.UTF8.GetString(message.Data));
            Assert.True(RecordVerifier.Verify(message.Event(), key, _rig.World.Issuer), "the rebuilt event verifies with the gateway's key");
        }

        // The server goes away: records wait in the journal while the sink retries, then arrive once.
        nats.Stop();
        await PublishAsync(device, 4, 6);
        var status = gateway.Service<RelayStatus>();
        await Eventually.TrueAsync(() => status.Report().Single(r => r.Name == "nats").Failing, "the nats sink to fail while the server is down");
        await nats.StartAgainAsync();
        await PublishAsync(device, 7, 7);
        await WaitForPositionAsync(gateway, 7);
        Assert.Equal(
            Enumerable.Range(1, 7).Select(seq => $"sensor-1/1/1/{seq}"),
            (await JetStreamMessages.ReadAllAsync(nats.Url, Stream)).Select(m => m.Headers["Nats-Msg-Id"]));
    }

    [Fact]
    public async Task StructuredRecordsAreTheEventAsTheFileHasIt()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var gateway = await _rig.StartGatewayAsync(false, [.. Settings(nats.Url), "--Gateway:Relay:Nats:Mode", "Structured", "--Gateway:Relay:Nats:SubjectPrefix", "plant.north"]);
        await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await PublishAsync(device, 1, 2);
        var lines = await _rig.FileEventsAsync(2);
        await WaitForPositionAsync(gateway, 2);

        var stored = await JetStreamMessages.ReadAllAsync(nats.Url, Stream);
        Assert.Equal(["plant.north.acme.sensor-1.power", "plant.north.acme.sensor-1.power"], stored.Select(m => m.Subject));
        Assert.Equal("application/cloudevents+json; charset=utf-8", stored[0].Headers["content-type"]);
        Assert.Equal(lines.Select(l => l.GetRawText()), stored.Select(m => m.Event().GetRawText()));
    }

    [Fact]
    public async Task AWrongPasswordFailsTheSinkWithItsReasonAndLosesNothing()
    {
        await using var nats = await NatsServer.StartAsync("gateway", "right-password");
        await using (var gateway = await _rig.StartGatewayAsync(false, [.. Settings(nats.Url), "--Gateway:Relay:Nats:Username", "gateway", "--Gateway:Relay:Nats:Password", "wrong-password"]))
        {
            await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
            await PublishAsync(device, 1, 3);
            await _rig.FileEventsAsync(3);
            var report = await Eventually.ValueAsync(() => gateway.Service<RelayStatus>().Report().Single(r => r.Name == "nats"), r => r.State == "failing", "the nats sink to fail");
            Assert.Equal("nats authorization violation", report.LastError);
            Assert.Equal(3, report.Lag);
            var metrics = await gateway.MetricsAsync();
            Assert.True(metrics.Value("m2m_relay_sink_failures_total{sink=\"nats\",reason=\"nats authorization violation\"}") > 0, metrics.Text);
            Assert.DoesNotContain("wrong-password", metrics.Text, StringComparison.Ordinal);
        }

        // Set right and restarted, the sink delivers what waited in the journal.
        await using var again = await _rig.StartGatewayAsync(false, [.. Settings(nats.Url), "--Gateway:Relay:Nats:Username", "gateway", "--Gateway:Relay:Nats:Password", "right-password"]);
        await WaitForPositionAsync(again, 3);
        Assert.Equal(
            Enumerable.Range(1, 3).Select(seq => $"sensor-1/1/1/{seq}"),
            (await JetStreamMessages.ReadAllAsync(nats.Url, Stream, "gateway", "right-password")).Select(m => m.Headers["Nats-Msg-Id"]));
    }

    private static string[] Settings(string url) => ["--Gateway:Relay:Nats:Url", url, "--Gateway:Relay:Nats:CreateStream", "true", "--Gateway:Relay:Nats:Timeout", "00:00:02"];

    private static async Task PublishAsync(TestDevice device, uint first, uint last)
    {
        for (var seq = first; seq <= last; seq++)
        {
            var message = device.Telemetry(1, seq, System.Text.Encoding.UTF8.GetBytes($"{{\"w\":{seq}}}"), topic: "devices/sensor-1/telemetry/power");
            Assert.Equal(MQTTnet.MqttClientPublishReasonCode.Success, (await device.PublishAsync(message)).ReasonCode);
        }
    }

    private static Task WaitForPositionAsync(InProcessGateway gateway, long position) =>
        Eventually.TrueAsync(() => gateway.Service<TelemetryJournal>().Sinks.Any(s => s.Sink == "nats" && s.Position >= position), $"the nats sink to deliver up to position {position}");
}
