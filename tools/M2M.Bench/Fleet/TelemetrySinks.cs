using System.Buffers.Binary;
using System.Text.Json;
using M2M.Bench.Measure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace M2M.Bench.Fleet;

/// <summary>
/// The benchmark's telemetry payload: the Stopwatch timestamp of the publish (8 bytes, little endian)
/// then filler, so the sink side can compute publish-to-sink latency in the same process.
/// </summary>
public static class TelemetryPayload
{
    public static byte[] Create(int size)
    {
        var payload = new byte[Math.Max(size, 8)];
        BinaryPrimitives.WriteInt64LittleEndian(payload, System.Diagnostics.Stopwatch.GetTimestamp());
        return payload;
    }

    public static long PublishedAt(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload);
}

/// <summary>Where relayed telemetry arrives: counts records and their latency.</summary>
public abstract class TelemetrySink : IAsyncDisposable
{
    public Latencies Latencies { get; } = new();

    /// <summary>Waits until <paramref name="expected"/> records arrived, or <paramref name="timeout"/> passed without progress.</summary>
    public async Task<long> WaitForAsync(int expected, TimeSpan timeout)
    {
        var last = -1;
        var lastProgress = DateTime.UtcNow;
        while (Latencies.Count < expected)
        {
            var count = Latencies.Count;
            if (count != last)
            {
                last = count;
                lastProgress = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - lastProgress > timeout)
            {
                break;
            }

            await Task.Delay(5).ConfigureAwait(false);
        }

        return System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// Tails the gateway's JSON-lines file sink: each line is a CloudEvent whose <c>data_base64</c> holds
/// the payload (docs/ingress.md, relayed records). Polls every 2 ms, which bounds the added latency.
/// </summary>
public sealed class FileTailSink : TelemetrySink
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    public FileTailSink(string path) => _reader = Task.Run(() => TailAsync(path, _stop.Token));

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reader.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task TailAsync(string path, CancellationToken cancellationToken)
    {
        while (!File.Exists(path))
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[1 << 20];
        var filled = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                await Task.Delay(2, cancellationToken).ConfigureAwait(false);
                continue;
            }

            filled += read;
            var start = 0;
            int newline;
            // Only whole lines: the sink may be in the middle of writing the last one.
            while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
            {
                using var record = JsonDocument.Parse(buffer.AsMemory(start, newline - start));
                Latencies.Add(TelemetryPayload.PublishedAt(record.RootElement.GetProperty("data_base64").GetBytesFromBase64()));
                start = newline + 1;
            }

            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
        }
    }
}

/// <summary>An MQTT 5 subscriber to devices/+/telemetry at QoS 1: Mosquitto's delivery to a consumer.</summary>
public sealed class SubscriberSink : TelemetrySink
{
    private readonly IMqttClient _client;

    private SubscriberSink(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var payload = e.ApplicationMessage.Payload;
            Latencies.Add(TelemetryPayload.PublishedAt(payload.FirstSpan.Length >= 8 ? payload.FirstSpan : System.Buffers.BuffersExtensions.ToArray(payload)));
            return Task.CompletedTask;
        };
    }

    public static async Task<SubscriberSink> StartAsync(int port)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var sink = new SubscriberSink(client);
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("bench-sink").Build()).ConfigureAwait(false);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("devices/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build()).ConfigureAwait(false);
        return sink;
    }

    public override async ValueTask DisposeAsync()
    {
        await _client.DisconnectAsync().ConfigureAwait(false);
        _client.Dispose();
    }
}
