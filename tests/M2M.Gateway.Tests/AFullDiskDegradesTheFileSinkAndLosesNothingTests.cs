using System.Globalization;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// The file sink's disk fills up (a small tmpfs holds the sink's file) while a device publishes:
/// the relay survives, /health says Degraded naming the sink, <c>m2m_relay_sink_failing</c> shows
/// it, and once space is freed every acknowledged message is in the file exactly once, in order
/// (docs/ingress.md, "Relay" and "Health"). Mounting needs root on Linux; otherwise the test is skipped.
/// </summary>
public sealed class AFullDiskDegradesTheFileSinkAndLosesNothingTests : IAsyncLifetime
{
    private const int Messages = 40;
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private SmallDisk? _disk;
    private InProcessGateway? _gateway;

    public Task InitializeAsync()
    {
        if (SmallDisk.CanMount)
        {
            _disk = SmallDisk.Mount(kilobytes: 256);
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_gateway != null)
        {
            await _gateway.DisposeAsync();
        }

        _disk?.Dispose();
    }

    [RootOnLinuxFact]
    public async Task TheRelaySurvivesSaysDegradedAndWritesEveryAcknowledgedMessageOnceWhenSpaceReturns()
    {
        var file = Path.Combine(_disk!.Path, "telemetry.jsonl");

        // Leave room for a few events only.
        _disk.Fill(bytesLeft: 8 * 1024);

        _gateway = await InProcessGateway.StartAsync(_world, null,
            "--Gateway:Relay:File:Path", file,
            "--Gateway:Relay:InitialBackoff", "00:00:00.050",
            "--Gateway:Relay:MaxBackoff", "00:00:00.200");
        using var http = new HttpClient { BaseAddress = _gateway.BaseAddress };
        await using var device = await _gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        for (var seq = 1u; seq <= Messages; seq++)
        {
            var result = await device.PublishAsync(device.Telemetry(1, seq, new byte[200]));
            Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        }

        var health = await Eventually.ValueAsync(() => http.GetStringAsync(new Uri("/health", UriKind.Relative)),
            body => body.StartsWith("Degraded", StringComparison.Ordinal), "/health to say Degraded");
        Assert.Contains("sink file failing", health, StringComparison.Ordinal);
        Assert.Contains("No space left on device", health, StringComparison.Ordinal);
        await Eventually.ValueAsync(() => http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            metrics => metrics.Contains("m2m_relay_sink_failing{sink=\"file\"} 1", StringComparison.Ordinal), "the file sink's failing gauge at 1");

        _disk.Free();

        // Every acknowledged message, then a sentinel published after the recovery: the exact
        // sequence up to it shows nothing was lost or written twice.
        Assert.Equal(Messages, (await FileSink.ReadAsync(file, Messages)).Count);
        Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(device.Telemetry(1, Messages + 1, new byte[200]))).ReasonCode);
        var events = await FileSink.ReadAsync(file, Messages + 1);
        Assert.Equal(
            Enumerable.Range(1, Messages + 1).Select(seq => $"sensor-1/1/1/{seq.ToString(CultureInfo.InvariantCulture)}"),
            events.Select(e => e.GetProperty("id").GetString()));
        using var key = _world.RecordKey();
        Assert.All(events, e => Assert.True(RecordVerifier.Verify(e, key, _world.Issuer)));
        await Eventually.ValueAsync(() => http.GetStringAsync(new Uri("/health", UriKind.Relative)), body => body == "Healthy", "/health to be Healthy again");
        Assert.Contains("m2m_relay_sink_failing{sink=\"file\"} 0", await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);
    }
}
