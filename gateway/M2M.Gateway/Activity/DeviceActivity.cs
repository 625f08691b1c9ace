using System.Collections.Concurrent;

namespace M2M.Gateway.Activity;

/// <summary>An ended MQTT session of a device, as the console lists it.</summary>
/// <param name="Since">When its CONNECT was accepted.</param>
/// <param name="Until">When it ended.</param>
/// <param name="Address">The client's address and port.</param>
/// <param name="Reason">Why it ended: the gateway's DISCONNECT reason, or <c>connection_closed</c> when the device or the network closed it.</param>
public sealed record EndedSession(DateTimeOffset Since, DateTimeOffset Until, string? Address, string Reason);

/// <summary>A refused PUBLISH: when, its stable reason (docs/protocol.md section 9.3) and its topic.</summary>
public sealed record Refusal(DateTimeOffset At, string Reason, string Topic);

/// <summary>What the gateway saw of one device since it started (or since the device's record was last evicted).</summary>
/// <param name="ConnectedSince">When its live session began; null when not connected.</param>
/// <param name="Address">The live session's client address.</param>
/// <param name="LastMessageAt">When its last PUBLISH ended, accepted or not.</param>
/// <param name="LastEpoch">The epoch of its last accepted message (the replay mark's epoch, docs/protocol.md section 8).</param>
/// <param name="LastSequence">The sequence of its last accepted message.</param>
/// <param name="AcceptedLastHour">Messages accepted in the last hour (to within one bucket).</param>
/// <param name="RefusedLastHour">Messages refused in the last hour, by reason.</param>
/// <param name="RecentRefusals">The latest refusals, newest first.</param>
/// <param name="RecentSessions">The latest ended sessions, newest first.</param>
public sealed record DeviceActivitySnapshot(
    DateTimeOffset? ConnectedSince,
    string? Address,
    DateTimeOffset? LastMessageAt,
    uint? LastEpoch,
    uint? LastSequence,
    long AcceptedLastHour,
    IReadOnlyDictionary<string, long> RefusedLastHour,
    IReadOnlyList<Refusal> RecentRefusals,
    IReadOnlyList<EndedSession> RecentSessions)
{
    /// <summary>The snapshot of a device the gateway has not seen.</summary>
    public static readonly DeviceActivitySnapshot None = new(null, null, null, null, null, 0, new Dictionary<string, long>(), [], []);

    /// <summary>Refused messages in the last hour, all reasons.</summary>
    public long RefusedTotal => RefusedLastHour.Values.Sum();
}

/// <summary>
/// Per-device activity in memory, fed by the ingress (session opened and ended, every PUBLISH's
/// outcome) and read by the operator console. Memory is bounded: a device is tracked in at most
/// <see cref="BucketCount"/> counters plus short rings of its latest refusals and sessions
/// (allocated on the first one), at most <see cref="MaxDevices"/> devices are tracked, and a
/// device that has been quiet for an hour with no session is forgotten. Nothing here survives a
/// restart: the journal and the audit log are the durable records.
/// </summary>
public sealed class DeviceActivity : IDisposable
{
    /// <summary>Most devices tracked at once; activity of further devices is counted gateway-wide only.</summary>
    public const int MaxDevices = 250_000;

    /// <summary>The hour is counted in this many buckets (ten minutes each).</summary>
    public const int BucketCount = 6;

    /// <summary>Refusals and ended sessions kept per device.</summary>
    public const int RecentCount = 10;

    private static readonly TimeSpan Bucket = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, Track> _devices = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer _sweep;

    public DeviceActivity(TimeProvider time)
    {
        _time = time;
        _sweep = time.CreateTimer(_ => Sweep(), null, Bucket, Bucket);
    }

    /// <summary>The per-minute gateway-wide counters.</summary>
    public GatewayRates Gateway { get; } = new();

    /// <summary>The live feed of every outcome, for the console's live views.</summary>
    public LiveTelemetry Live { get; } = new();

    /// <summary>Number of devices tracked now.</summary>
    public int TrackedDevices => _devices.Count;

    /// <summary>
    /// A session of <paramref name="deviceId"/> from <paramref name="address"/> was accepted;
    /// <paramref name="session"/> identifies it to <see cref="SessionEnded"/>. Returns when.
    /// </summary>
    public DateTimeOffset SessionOpened(string deviceId, object session, string? address)
    {
        var now = _time.GetUtcNow();
        if (TrackOf(deviceId) is { } track)
        {
            lock (track)
            {
                track.Session = session;
                track.ConnectedSince = now;
                track.Address = address;
                track.LastActivity = now;
            }
        }

        Live.Publish(deviceId, new LiveEvent(now, "session", "connected", address, null));
        return now;
    }

    /// <summary>
    /// The session <paramref name="session"/> of <paramref name="deviceId"/>, opened at
    /// <paramref name="since"/> from <paramref name="address"/>, ended for <paramref name="reason"/>.
    /// A newer session that took its place (MQTT 5 section 3.1.4) stays the device's live one.
    /// </summary>
    public void SessionEnded(string deviceId, object session, DateTimeOffset since, string? address, string reason)
    {
        var now = _time.GetUtcNow();
        if (_devices.TryGetValue(deviceId, out var track))
        {
            lock (track)
            {
                Push(ref track.Sessions, new EndedSession(since, now, address, reason));
                if (ReferenceEquals(track.Session, session))
                {
                    track.Session = null;
                    track.ConnectedSince = null;
                    track.Address = null;
                }

                track.LastActivity = now;
            }
        }

        Live.Publish(deviceId, new LiveEvent(now, "session", reason, address, null));
    }

    /// <summary>A PUBLISH of <paramref name="deviceId"/> ended with <paramref name="reason"/> ("accepted", "duplicate", "renewed" or a refusal).</summary>
    /// <param name="deviceId">The device.</param>
    /// <param name="reason">The outcome's stable reason.</param>
    /// <param name="succeeded">Whether it was acknowledged with success.</param>
    /// <param name="topic">The PUBLISH topic.</param>
    /// <param name="payload">The payload, passed on to live viewers only.</param>
    /// <param name="epoch">The signed message's epoch, when accepted.</param>
    /// <param name="sequence">The signed message's sequence, when accepted.</param>
    public void Message(string deviceId, string reason, bool succeeded, string topic, ReadOnlyMemory<byte> payload, uint? epoch, uint? sequence)
    {
        var now = _time.GetUtcNow();
        Gateway.Count(now, reason, succeeded);
        if (TrackOf(deviceId) is { } track)
        {
            var bucket = now.ToUnixTimeMilliseconds() / (long)Bucket.TotalMilliseconds;
            lock (track)
            {
                track.LastMessageAt = now;
                track.LastActivity = now;
                var slot = (int)(bucket % BucketCount);
                if (track.BucketStamp[slot] != bucket)
                {
                    track.BucketStamp[slot] = bucket;
                    track.Accepted[slot] = 0;
                    track.Refused?[slot].Clear();
                }

                if (succeeded)
                {
                    track.Accepted[slot]++;
                    if (epoch != null)
                    {
                        track.LastEpoch = epoch;
                        track.LastSequence = sequence;
                    }
                }
                else
                {
                    track.Refused ??= NewRefusedBuckets();
                    var counts = track.Refused[slot];
                    counts[reason] = counts.GetValueOrDefault(reason) + 1;
                    Push(ref track.Refusals, new Refusal(now, reason, topic));
                }
            }
        }

        Live.Publish(deviceId, succeeded
            ? new LiveEvent(now, "message", reason, topic, payload)
            : new LiveEvent(now, "refused", reason, topic, null));
    }

    /// <summary>What is known of <paramref name="deviceId"/>.</summary>
    public DeviceActivitySnapshot Find(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var track))
        {
            return DeviceActivitySnapshot.None;
        }

        var oldest = _time.GetUtcNow().Subtract(Hour).ToUnixTimeMilliseconds() / (long)Bucket.TotalMilliseconds;
        lock (track)
        {
            long accepted = 0;
            var refused = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var slot = 0; slot < BucketCount; slot++)
            {
                if (track.BucketStamp[slot] <= oldest)
                {
                    continue;
                }

                accepted += track.Accepted[slot];
                if (track.Refused != null)
                {
                    foreach (var (reason, count) in track.Refused[slot])
                    {
                        refused[reason] = refused.GetValueOrDefault(reason) + count;
                    }
                }
            }

            return new DeviceActivitySnapshot(
                track.ConnectedSince,
                track.ConnectedSince == null ? null : track.Address,
                track.LastMessageAt,
                track.LastEpoch,
                track.LastSequence,
                accepted,
                refused,
                Newest(track.Refusals),
                Newest(track.Sessions));
        }
    }

    public void Dispose() => _sweep.Dispose();

    /// <summary>Forgets the devices with no session and no activity for an hour.</summary>
    internal void Sweep()
    {
        var cutoff = _time.GetUtcNow() - Hour;
        foreach (var (deviceId, track) in _devices)
        {
            lock (track)
            {
                if (track.ConnectedSince != null || track.LastActivity > cutoff)
                {
                    continue;
                }
            }

            _devices.TryRemove(new KeyValuePair<string, Track>(deviceId, track));
        }
    }

    private Track? TrackOf(string deviceId)
    {
        if (_devices.TryGetValue(deviceId, out var track))
        {
            return track;
        }

        // The bound is checked loosely (concurrent adds may pass it by a few): it caps memory, it
        // is not a quota.
        return _devices.Count >= MaxDevices ? null : _devices.GetOrAdd(deviceId, _ => new Track());
    }

    private static Dictionary<string, int>[] NewRefusedBuckets()
    {
        var buckets = new Dictionary<string, int>[BucketCount];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        return buckets;
    }

    private static void Push<T>(ref Ring<T>? ring, T item)
    {
        ring ??= new Ring<T>();
        ring.Items[ring.Next % RecentCount] = item;
        ring.Next++;
    }

    private static List<T> Newest<T>(Ring<T>? ring)
    {
        var items = new List<T>();
        if (ring == null)
        {
            return items;
        }

        for (var i = ring.Next - 1; i >= 0 && i >= ring.Next - RecentCount; i--)
        {
            items.Add(ring.Items[i % RecentCount]!);
        }

        return items;
    }

    private sealed class Ring<T>
    {
        public T?[] Items { get; } = new T?[RecentCount];

        public int Next { get; set; }
    }

    // Fields rather than properties: the ring references are replaced in place by Push (ref).
    private sealed class Track
    {
#pragma warning disable SA1401, CA1051 // Mutable fields guarded by the track's lock.
        public readonly long[] BucketStamp = new long[BucketCount];
        public readonly int[] Accepted = new int[BucketCount];
        public Dictionary<string, int>[]? Refused;
        public Ring<Refusal>? Refusals;
        public Ring<EndedSession>? Sessions;
        public object? Session;
        public DateTimeOffset? ConnectedSince;
        public string? Address;
        public DateTimeOffset? LastMessageAt;
        public DateTimeOffset LastActivity;
        public uint? LastEpoch;
        public uint? LastSequence;
#pragma warning restore SA1401, CA1051
    }
}
