using System.Globalization;
using System.Text;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// The Prometheus remote write sink against a real Prometheus (Debian's, remote write receiver on),
/// read back with PromQL through its HTTP API: each numeric field of a record is one sample with the
/// labels device, tenant, stream and field at the device's time, once; a Prometheus that is down
/// for a while gets the backlog when it returns, each sample once; a gateway killed mid-stream and
/// restarted leaves each sample once (what it pushes again is refused as out of order and skipped).
/// </summary>
public sealed class TelemetryReachesPrometheusAsSamplesOnceTests : IAsyncLifetime, IDisposable
{
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"), ("sensor-2", "globex"));
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-prom-sink-").FullName;

    // Device times: distinct per sequence number, a minute in the past (inside the timestamp window).
    private readonly long _base = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
    private PrometheusServer _prometheus = null!;

    public async Task InitializeAsync() => _prometheus = await PrometheusServer.StartAsync();

    public async Task DisposeAsync() => await _prometheus.DisposeAsync();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task EachNumericFieldIsOneSampleWithItsLabelsAtTheDeviceTime()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, null, Sink());
        await using var one = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await using var two = await gateway.ConnectAsync("sensor-2", DateTimeOffset.UtcNow);
        for (var seq = 1u; seq <= 5; seq++)
        {
            await PublishAsync(one, seq);
            await PublishAsync(two, seq);
        }

        // A stream topic, and two records that map to no sample: text, and JSON without a number.
        await PublishAsync(one, 6, topic: "devices/sensor-1/telemetry/power", payload: "{\"watts\":12.5}");
        await PublishAsync(one, 7, payload: "hello", contentType: "text/plain");
        await PublishAsync(one, 8, payload: "{\"state\":\"idle\"}");
        await PublishAsync(one, 9); // the sentinel

        await Eventually.TrueAsync(async () => (await _prometheus.SamplesAsync("m2m_telemetry{device=\"sensor-1\",field=\"temp\"}", TimeSpan.FromMinutes(10))).SelectMany(s => s.Samples).Any(s => s.Value == 9), "the sentinel's sample");
        var series = await _prometheus.SamplesAsync("{__name__=\"m2m_telemetry\"}", TimeSpan.FromMinutes(10));

        var expected = new[]
        {
            ("sensor-1", "acme", "telemetry", "temp"), ("sensor-1", "acme", "telemetry", "env.hum"), ("sensor-1", "acme", "telemetry", "ok"),
            ("sensor-2", "globex", "telemetry", "temp"), ("sensor-2", "globex", "telemetry", "env.hum"), ("sensor-2", "globex", "telemetry", "ok"),
            ("sensor-1", "acme", "power", "watts"),
        };
        Assert.Equal(expected.Order(), series.Select(s => (s.Labels["device"], s.Labels["tenant"], s.Labels["stream"], s.Labels["field"])).Order());
        Assert.All(series, s => Assert.Equal(5, s.Labels.Count));
        var temp = series.Single(s => s.Labels["device"] == "sensor-1" && s.Labels["field"] == "temp" && s.Labels["stream"] == "telemetry");
        Assert.Equal(new uint[] { 1, 2, 3, 4, 5, 9 }.Select(seq => (Time(seq), (double)seq)), temp.Samples);
        Assert.Equal(Enumerable.Range(1, 5).Select(seq => (Time((uint)seq), 1.0)), series.Single(s => s.Labels["device"] == "sensor-2" && s.Labels["field"] == "ok").Samples);
        Assert.Equal([(Time(6), 12.5)], series.Single(s => s.Labels["stream"] == "power").Samples);

        var metrics = await gateway.MetricsAsync();
        Assert.Equal(2, metrics.Value("m2m_relay_skipped_total{sink=\"prometheus\",reason=\"no_samples\"}"));
    }

    [Fact]
    public async Task TheBacklogArrivesOnceWhenPrometheusReturns()
    {
        await using var gateway = await InProcessGateway.StartAsync(_world, null, Sink());
        await using var one = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await PublishAsync(one, 1);
        await Eventually.TrueAsync(async () => (await TempSamplesAsync()).Count == 1, "the first sample");

        await _prometheus.StopAsync();
        for (var seq = 2u; seq <= 20; seq++)
        {
            await PublishAsync(one, seq);
        }

        await Eventually.TrueAsync(async () => (await gateway.MetricsAsync()).Value("m2m_relay_sink_failing", "sink", "prometheus") == 1, "the sink to say it is failing");
        await _prometheus.StartAgainAsync();
        await PublishAsync(one, 21); // the sentinel

        var samples = await Eventually.ValueAsync(TempSamplesAsync, s => s.Any(x => x.Value == 21), "the sentinel's sample");
        Assert.Equal(Enumerable.Range(1, 21).Select(seq => (Time((uint)seq), (double)seq)), samples);
    }

    [Fact]
    public async Task AGatewayKilledMidStreamLeavesEachSampleOnce()
    {
        const int Total = 200;
        var worldPath = Path.Combine(_folder, "world.json");
        var dataDirectory = Path.Combine(_folder, "data");
        _world.Save(worldPath);

        var acknowledged = 0u;
        var port = LoopbackPort.Free();
        await using (var gateway = await StartProcessAsync(worldPath, dataDirectory, port))
        {
            await using var device = new TestDevice(_world, "sensor-1", port);
            await device.ConnectAsync(_world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow));
            var streaming = Task.Run(async () =>
            {
                for (var seq = 1u; seq <= Total; seq++)
                {
                    await PublishAsync(device, seq);
                    acknowledged = seq;
                }
            });

            // Killed once Prometheus holds some of the stream, so a restart pushes some of it again.
            await Eventually.TrueAsync(async () => (await TempSamplesAsync()).Count >= 30 || streaming.IsCompleted, "30 samples in Prometheus");
            await gateway.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => streaming);
        }

        Assert.InRange<uint>(acknowledged, 30u, Total - 1);
        port = LoopbackPort.Free();
        await using (var gateway = await StartProcessAsync(worldPath, dataDirectory, port))
        {
            await using var device = new TestDevice(_world, "sensor-1", port);
            await device.ConnectAsync(_world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow));
            for (var seq = acknowledged + 1; seq <= Total; seq++)
            {
                await PublishAsync(device, seq);
            }

            var samples = await Eventually.ValueAsync(TempSamplesAsync, s => s.Any(x => x.Value == Total), "the last sample");
            Assert.Equal(Enumerable.Range(1, Total).Select(seq => (Time((uint)seq), (double)seq)), samples);
        }
    }

    private async Task<IReadOnlyList<(long Time, double Value)>> TempSamplesAsync()
    {
        var series = await _prometheus.SamplesAsync("m2m_telemetry{device=\"sensor-1\",field=\"temp\"}", TimeSpan.FromMinutes(10));
        return series.Count == 0 ? [] : Assert.Single(series).Samples;
    }

    private Task<GatewayProcess> StartProcessAsync(string worldPath, string dataDirectory, int mqttPort) =>
        GatewayProcess.StartAsync("M2M.Gateway.TestHost.dll", dataDirectory,
        [
            "--TestWorld", worldPath, "--Gateway:Mqtt:Port", mqttPort.ToString(CultureInfo.InvariantCulture), .. Sink(),
        ]);

    private long Time(uint seq) => _base + seq;

    private async Task PublishAsync(TestDevice device, uint seq, string? topic = null, string? payload = null, string contentType = "application/json")
    {
        payload ??= $"{{\"temp\":{seq},\"env\":{{\"hum\":50.5}},\"ok\":true,\"label\":\"x\",\"list\":[1,2]}}";
        var result = await device.PublishAsync(device.Telemetry(1, seq, Encoding.UTF8.GetBytes(payload), contentType, topic, Time(seq)));
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
    }

    private string[] Sink() =>
    [
        "--Gateway:Relay:Prometheus:Url", _prometheus.WriteUrl.ToString(),
        "--Gateway:Relay:InitialBackoff", "00:00:00.050",
        "--Gateway:Relay:MaxBackoff", "00:00:00.500",
    ];
}
