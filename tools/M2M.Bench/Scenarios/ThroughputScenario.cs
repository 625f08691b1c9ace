using System.Diagnostics;
using M2M.Bench.Fleet;
using M2M.Bench.Measure;
using M2M.Bench.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Many devices publish QoS 1 telemetry signed by the device core, each waiting for its PUBACK before
/// the next message (a board's outbox sends one at a time); the figure is records arriving at the sink
/// per second, with publish-to-sink latency.
/// </summary>
public static class ThroughputScenario
{
    public sealed record Figures(double RecordsPerSecond, double P50, double P99, double P999, long Delivered, long Expected, long Refused, double GeneratorCores, double ServerCores, double SendsPerSecond);

    /// <summary>
    /// Runs the load against one broker. <paramref name="credentials"/> gives each device's user name and
    /// password (null: anonymous, Mosquitto's run).
    /// </summary>
    public static async Task<Figures> RunAsync(int port, IReadOnlyList<BenchDevice> devices, Func<BenchDevice, (string? User, string? Password)> credentials, TelemetrySink sink, ServerProcess server, BenchOptions options, CancellationToken cancellationToken)
    {
        await using var fleet = new MqttFleet();
        var refusedConnects = await fleet.ConnectAsync(port, [.. devices.Select(d => (d.Id, credentials(d).User, credentials(d).Password))], options.Parallel, cancellationToken).ConfigureAwait(false);
        if (refusedConnects.Count > 0)
        {
            throw new InvalidOperationException($"throughput: connects refused: {string.Join(", ", refusedConnects.Select(r => $"{r.Key} x{r.Value}"))}");
        }

        var expected = devices.Count * options.MessagesPerDevice;
        long refused = 0;
        var cpu = CpuMeter.Start(server);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(devices.Select((device, i) => Task.Run(async () =>
        {
            var client = fleet.Clients[i];
            for (var m = 0; m < options.MessagesPerDevice; m++)
            {
                var payload = TelemetryPayload.Create(options.PayloadBytes);
                var signed = device.Sign(payload);
                var builder = new MqttApplicationMessageBuilder()
                    .WithTopic(signed.Topic)
                    .WithPayload(payload)
                    .WithContentType(signed.ContentType)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
                for (var p = 0; p < signed.UserPropertyNames.Length; p++)
                {
                    builder = builder.WithUserProperty(signed.UserPropertyNames[p], System.Text.Encoding.UTF8.GetBytes(signed.UserPropertyValues[p]));
                }

                var result = await client.PublishAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
                if (result.ReasonCode != MqttClientPublishReasonCode.Success)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }, cancellationToken))).ConfigureAwait(false);
        var sent = Stopwatch.GetElapsedTime(started);
        var finished = await sink.WaitForAsync(expected - (int)refused, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        var (generator, serverCores, _) = cpu.Stop();
        var elapsed = Stopwatch.GetElapsedTime(started, finished);
        var delivered = sink.Latencies.Count;
        return new Figures(
            delivered / elapsed.TotalSeconds,
            sink.Latencies.Percentile(0.50),
            sink.Latencies.Percentile(0.99),
            sink.Latencies.Percentile(0.999),
            delivered,
            expected,
            refused,
            generator,
            serverCores,
            expected / sent.TotalSeconds);
    }
}
