using System.Diagnostics;
using System.Threading.Channels;
using M2M.Bench.Measure;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace M2M.Bench.Fleet;

/// <summary>
/// The publishing devices of the generator: every device signs each message with the device core's
/// MessageSigner and publishes it at QoS 1 with up to <see cref="LoadJob.InFlight"/> messages awaiting
/// their PUBACK. At full speed (rate 0) a device sends whenever its window has room; at a fixed rate a
/// pacer hands out due times round-robin and each payload carries its due time, so a message held back
/// by a full window or a slow generator counts that wait in its latency (no coordinated omission).
/// </summary>
public sealed class PublishLoad
{
    private readonly LoadJob _job;
    private readonly Latencies _ackLatencies = new();
    private readonly Dictionary<string, int> _refused = [];
    private long _sent;
    private long _acknowledged;
    private long _inFlight;
    private volatile bool _measuring;
    private volatile bool _stopping;

    private PublishLoad(LoadJob job) => _job = job;

    public static async Task<LoadResult> RunAsync(IReadOnlyList<BenchDevice> devices, IReadOnlyList<MqttConnection> clients, LoadJob job, Action<LoadEvent> report)
    {
        var load = new PublishLoad(job);
        return await load.RunAsync(devices, clients, report).ConfigureAwait(false);
    }

    private async Task<LoadResult> RunAsync(IReadOnlyList<BenchDevice> devices, IReadOnlyList<MqttConnection> clients, Action<LoadEvent> report)
    {
        var schedules = _job.Rate > 0 ? devices.Select(_ => Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true })).ToArray() : null;
        var windows = devices.Select(_ => new SemaphoreSlim(_job.InFlight, _job.InFlight)).ToArray();
        for (var i = 0; i < clients.Count; i++)
        {
            var window = windows[i];
            clients[i].Acknowledged = (publishedAt, reasonCode) => Acknowledge(publishedAt, reasonCode, window);
            clients[i].Failed = (_, reason) => Fail(reason, window);
        }

        var senders = devices.Select((device, i) => Task.Run(() => SendAsync(device, clients[i], windows[i], schedules?[i].Reader))).ToArray();
        using var stopPacer = new CancellationTokenSource();
        var pacer = schedules == null ? Task.CompletedTask : Task.Run(() => PaceAsync(schedules, stopPacer.Token));

        await Task.Delay(TimeSpan.FromSeconds(_job.WarmupSeconds)).ConfigureAwait(false);
        var (startAcks, startSent) = (Interlocked.Read(ref _acknowledged), Interlocked.Read(ref _sent));
        var windowStart = Stopwatch.GetTimestamp();
        _measuring = true;
        report(new LoadEvent { Event = "window-start", Timestamp = windowStart });
        var occupancy = await SampleOccupancyAsync(devices.Count * _job.InFlight, TimeSpan.FromSeconds(_job.MeasureSeconds)).ConfigureAwait(false);
        var windowEnd = Stopwatch.GetTimestamp();
        _measuring = false;
        var (endAcks, endSent) = (Interlocked.Read(ref _acknowledged), Interlocked.Read(ref _sent));
        report(new LoadEvent { Event = "window-end", Timestamp = windowEnd });

        // Stop offering. At a fixed rate, every message already due is still sent (a server that fell
        // behind has them waiting in the devices' queues: dropping them would drop the worst latencies).
        // Then every message in flight gets its answer, so the driver can check that every acknowledged
        // message reaches the sink.
        await stopPacer.CancelAsync().ConfigureAwait(false);
        await pacer.ConfigureAwait(false);
        foreach (var schedule in schedules ?? [])
        {
            schedule.Writer.TryComplete();
        }

        _stopping = schedules == null;
        await Task.WhenAll(senders).ConfigureAwait(false);
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (Interlocked.Read(ref _inFlight) > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        if (Interlocked.Read(ref _inFlight) > 0)
        {
            Refuse($"no PUBACK within 30 s x{Interlocked.Read(ref _inFlight)}");
        }

        lock (_refused)
        {
            return new LoadResult
            {
                Count = Interlocked.Read(ref _acknowledged),
                Sent = Interlocked.Read(ref _sent),
                WindowCount = endAcks - startAcks,
                WindowSent = endSent - startSent,
                WindowStart = windowStart,
                WindowEnd = windowEnd,
                Refused = new Dictionary<string, int>(_refused),
                P50Ms = _ackLatencies.Percentile(0.50),
                P99Ms = _ackLatencies.Percentile(0.99),
                Occupancy = occupancy,
                InFlight = _job.InFlight,
            };
        }
    }

    /// <summary>Hands out due times at <see cref="LoadJob.Rate"/> over all devices, every millisecond or so.</summary>
    private async Task PaceAsync(Channel<long>[] schedules, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var interval = Stopwatch.Frequency / _job.Rate;
        long handedOut = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = (long)((Stopwatch.GetTimestamp() - start) / interval) + 1;
            for (; handedOut < due; handedOut++)
            {
                schedules[handedOut % schedules.Length].Writer.TryWrite(start + (long)(handedOut * interval));
            }

            try
            {
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SendAsync(BenchDevice device, MqttConnection client, SemaphoreSlim window, ChannelReader<long>? schedule)
    {
        while (!_stopping)
        {
            // At a fixed rate the loop ends when its schedule is complete and drained.
            long due;
            if (schedule != null)
            {
                if (!await schedule.WaitToReadAsync().ConfigureAwait(false) || !schedule.TryRead(out due))
                {
                    return;
                }
            }
            else
            {
                due = 0;
            }

            await window.WaitAsync().ConfigureAwait(false);
            if (!client.IsConnected)
            {
                window.Release();
                Refuse("connection closed by the server");
                return;
            }

            var publishedAt = schedule == null ? Stopwatch.GetTimestamp() : due;
            var payload = TelemetryPayload.Create(_job.PayloadBytes, publishedAt, _job.Run);
            // Sign and hand the packet to the client from this one loop, so the device's sequence
            // numbers go on the wire in order (the gateway refuses a sequence below its mark).
            var signed = device.Sign(payload);
            var packet = new MqttPublishPacket
            {
                Topic = signed.Topic,
                PayloadSegment = payload,
                ContentType = signed.ContentType,
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
                UserProperties = [.. signed.UserPropertyNames.Zip(signed.RenderUserPropertyValues(), (name, value) => new MqttUserProperty(name, System.Text.Encoding.UTF8.GetBytes(value).AsMemory()))],
            };
            Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref _sent);
            try
            {
                await client.PublishAsync(packet, publishedAt).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // Closed before the packet was registered: nothing will answer it. (Once registered, the
                // connection's end fails it through Failed.)
                if (e is InvalidOperationException)
                {
                    Fail("connection closed by the server", window);
                }

                return;
            }
        }
    }

    /// <summary>A PUBACK: success is any reason code below 0x80 (MQTT 5 section 2.4; Mosquitto answers 0x10 when no subscriber matches).</summary>
    private void Acknowledge(long publishedAt, byte reasonCode, SemaphoreSlim window)
    {
        if (reasonCode < 0x80)
        {
            Interlocked.Increment(ref _acknowledged);
            if (_measuring)
            {
                _ackLatencies.Add(Stopwatch.GetTimestamp() - publishedAt);
            }
        }
        else
        {
            Refuse($"PUBACK 0x{reasonCode:X2}");
        }

        Interlocked.Decrement(ref _inFlight);
        window.Release();
    }

    private void Fail(string reason, SemaphoreSlim window)
    {
        Refuse(reason);
        Interlocked.Decrement(ref _inFlight);
        window.Release();
    }

    private async Task<double> SampleOccupancyAsync(int capacity, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        double sum = 0;
        var samples = 0;
        while (Stopwatch.GetTimestamp() < end)
        {
            sum += Interlocked.Read(ref _inFlight);
            samples++;
            await Task.Delay(5).ConfigureAwait(false);
        }

        return samples == 0 ? double.NaN : sum / samples / capacity;
    }

    private void Refuse(string reason)
    {
        lock (_refused)
        {
            _refused[reason] = _refused.GetValueOrDefault(reason) + 1;
        }
    }
}
