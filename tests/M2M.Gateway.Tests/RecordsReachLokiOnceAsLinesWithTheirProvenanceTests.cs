using System.Globalization;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Relay.Http;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// The Loki push sink against <see cref="LokiPushReceiver"/>, which decodes Loki's push API on its
/// own and answers as Loki does (Grafana Loki itself cannot be run here: docs/testing.md): each
/// record is one line in the stream {device, stream, tenant} at the device's time, the line the
/// relayed event with its provenance (verified with the gateway's key), X-Scope-OrgID sent; a
/// receiver down, then rate limiting (429) and failing (503), gets the backlog once when it
/// returns; an entry Loki refuses as out of order (400) is skipped with its reason, never retried
/// forever; a refused credential makes the sink failing with a clear reason, counted, nothing
/// dead-lettered, and the backlog arrives once the credential is fixed.
/// </summary>
public sealed class RecordsReachLokiOnceAsLinesWithTheirProvenanceTests : IAsyncLifetime
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"), ("sensor-2", "globex"));
    private readonly long _base = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
    private LokiPushReceiver _loki = null!;

    public async Task InitializeAsync() => _loki = await LokiPushReceiver.StartAsync();

    public async Task DisposeAsync() => await _loki.DisposeAsync();

    [Fact]
    public async Task EachRecordIsOneLineInItsStreamWithItsProvenance()
    {
        _loki.RequiredOrgId = "iot";
        await using var gateway = await InProcessGateway.StartAsync(_world, null, [.. Sink(), "--Gateway:Relay:Loki:OrgId", "iot"]);
        await using var one = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await using var two = await gateway.ConnectAsync("sensor-2", DateTimeOffset.UtcNow);
        for (var seq = 1u; seq <= 3; seq++)
        {
            await PublishAsync(one, seq);
            await PublishAsync(two, seq);
        }

        await PublishAsync(one, 4, "devices/sensor-1/telemetry/power");
        await PublishAsync(one, 5); // the sentinel
        await Eventually.TrueAsync(() => Task.FromResult(Seqs("sensor-1").Contains(5)), "the sentinel's line");

        Assert.Equal(["device=sensor-1,stream=power,tenant=acme", "device=sensor-1,stream=telemetry,tenant=acme", "device=sensor-2,stream=telemetry,tenant=globex"],
            _loki.Entries.Select(e => e.Stream).Distinct().Order());
        Assert.Equal([1, 2, 3, 5], Seqs("sensor-1", "telemetry"));
        Assert.Equal([4], Seqs("sensor-1", "power"));
        Assert.Equal([1, 2, 3], Seqs("sensor-2", "telemetry"));
        using var key = _world.RecordKey();
        foreach (var entry in _loki.Entries)
        {
            using var line = JsonDocument.Parse(entry.Line);
            var record = line.RootElement;
            Assert.True(RecordVerifier.Verify(record, key, _world.Issuer), entry.Line);
            Assert.Equal(entry.Labels["device"], record.GetProperty("m2mdevice").GetString());
            Assert.Equal(entry.Labels["tenant"], record.GetProperty("m2mtenant").GetString());
            Assert.Equal($"{entry.Labels["device"]}/1/1/{record.GetProperty("m2mseq").GetString()}", record.GetProperty("id").GetString());
            Assert.Equal((_base + Seq(entry)) * 1_000_000, entry.Nanoseconds);
        }

        Assert.All(_loki.Answered, status => Assert.Equal(204, status));
    }

    [Fact]
    public async Task TheBacklogArrivesOnceAfterAnOutageRateLimitingAndErrors()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, null, Sink());
        await using var one = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await PublishAsync(one, 1);
        await Eventually.TrueAsync(() => Task.FromResult(Seqs("sensor-1").Count == 1), "the first line");

        await _loki.StopAsync();
        for (var seq = 2u; seq <= 20; seq++)
        {
            await PublishAsync(one, seq);
        }

        await Eventually.TrueAsync(async () => (await gateway.MetricsAsync()).Value("m2m_relay_sink_failing", "sink", "loki") == 1, "the sink to say it is failing");
        _loki.AnswerNext(429, "Ingestion rate limit exceeded for user iot (limit: 4194304 bytes/sec) while attempting to ingest '19' lines totaling '9000' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased\n");
        _loki.AnswerNext(503, "no healthy ingesters\n");
        await _loki.StartAgainAsync();
        await PublishAsync(one, 21); // the sentinel

        await Eventually.TrueAsync(() => Task.FromResult(Seqs("sensor-1").Contains(21)), "the sentinel's line");
        Assert.Equal(Enumerable.Range(1, 21), Seqs("sensor-1"));
        Assert.Equal([429, 503], _loki.Answered.Where(s => s != 204));
        Assert.Equal(0, (await gateway.MetricsAsync()).Value("m2m_relay_dead_letters_total", "sink", "loki"));
    }

    [Fact]
    public async Task AnEntryRefusedAsOutOfOrderIsSkippedNotRetriedForever()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, null, Sink());
        await using var one = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await PublishAsync(one, 1);
        await Eventually.TrueAsync(() => Task.FromResult(Seqs("sensor-1").Count == 1), "the first line");

        // Loki refuses the whole request for one entry it will not take, naming it, every time.
        _loki.Refuse = entry => Seq(entry) == 2
            ? "entry with timestamp 2026-12-01 00:00:02 +0000 UTC ignored, reason: 'entry out of order' for stream: {device=\"sensor-1\", stream=\"telemetry\", tenant=\"acme\"},\n"
            : null;
        await PublishAsync(one, 2);
        await PublishAsync(one, 3); // the sentinel

        await Eventually.TrueAsync(() => Task.FromResult(Seqs("sensor-1").Contains(3)), "the sentinel's line");
        Assert.Equal([1, 3], Seqs("sensor-1"));
        var metrics = await gateway.MetricsAsync();
        Assert.Equal(1, metrics.Value("m2m_relay_skipped_total{sink=\"loki\",reason=\"out_of_order\"}"));
        Assert.Equal(0, metrics.Value("m2m_relay_dead_letters_total", "sink", "loki"));
    }

    [Fact]
    public async Task ARefusedCredentialIsNamedCountedAndLosesNothing()
    {
        _loki.RequiredAuthorization = "Bearer right-token";
        await using var gateway = await InProcessGateway.StartAsync(_world, null,
            [.. Sink(), "--Gateway:Relay:Loki:Auth:Scheme", "bearer", "--Gateway:Relay:Loki:Auth:Credential", "loki-token", "--Gateway:Relay:MaxAttempts", "2"]);
        var credentials = gateway.Service<SinkCredentialStore>();
        await credentials.SetAsync("loki-token", "wrong-token", default);
        await using var one = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        for (var seq = 1u; seq <= 10; seq++)
        {
            await PublishAsync(one, seq);
        }

        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
        var health = await Eventually.ValueAsync(() => http.GetStringAsync(new Uri("/health", UriKind.Relative)), h => h.Contains("sink loki failing", StringComparison.Ordinal), "/health to name the failing sink");
        Assert.Contains("http 401: the backend refused the sink's credential", health, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token", health, StringComparison.Ordinal);
        Assert.True((await gateway.MetricsAsync()).Value("m2m_relay_auth_failures_total{sink=\"loki\",reason=\"refused_401\"}") >= 1);
        Assert.Empty(_loki.Entries);

        await credentials.SetAsync("loki-token", "right-token", default);
        await PublishAsync(one, 11); // the sentinel
        await Eventually.TrueAsync(() => Task.FromResult(Seqs("sensor-1").Contains(11)), "the sentinel's line");
        Assert.Equal(Enumerable.Range(1, 11), Seqs("sensor-1"));
        Assert.Equal(0, (await gateway.MetricsAsync()).Value("m2m_relay_dead_letters_total", "sink", "loki"));
    }

    private static int Seq(LokiEntry entry)
    {
        using var line = JsonDocument.Parse(entry.Line);
        return int.Parse(line.RootElement.GetProperty("m2mseq").GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>The sequence numbers of a device's lines, as a LogQL selector returns them (by time).</summary>
    private List<int> Seqs(string device, string? stream = null) =>
        [.. (stream == null ? _loki.Select(("device", device)) : _loki.Select(("device", device), ("stream", stream))).Select(Seq)];

    private async Task PublishAsync(TestDevice device, uint seq, string? topic = null)
    {
        var result = await device.PublishAsync(device.Telemetry(1, seq, Encoding.UTF8.GetBytes($"{{\"n\":{seq}}}"), "application/json", topic, _base + seq));
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
    }

    private string[] Sink() =>
    [
        "--Gateway:Relay:Loki:Url", _loki.PushUrl.ToString(),
        "--Gateway:Relay:InitialBackoff", "00:00:00.050",
        "--Gateway:Relay:MaxBackoff", "00:00:00.300",
    ];
}
