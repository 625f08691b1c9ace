using System.Collections.Concurrent;
using M2M.Gateway.Cluster;
using M2M.Gateway.Ingress;
using M2M.Gateway.Ingress.Authorization;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Metrics;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.Core;

namespace M2M.Gateway.Tests;

/// <summary>
/// Two cluster nodes (their session registries and session notices) on one real NATS server: a
/// device that connects to another node takes its session there, and the node holding the older
/// session closes it with 0x8E (MQTT 5 section 3.1.4), one node of two racing on the same instant
/// keeps its session; a device disabled through one node has its session on the other cut at once,
/// read from the shared registry rather than the other node's cache. Each test proves what did not
/// happen with a marker: notices of one node reach another in the order they were sent, so once a
/// later notice took effect, the earlier one was handled.
/// </summary>
public sealed class ASessionFollowsItsDeviceAcrossClusterNodesTests
{
    private static readonly DeviceRecord Sensor = Record("sensor-1");
    private static readonly DeviceRecord Marker = Record("marker-1");

    [Fact]
    public async Task TheOlderSessionEndsOnItsNodeAndTheNewerOneStays()
    {
        await using var nats = await NatsServer.StartAsync();
        var registry = new SharedRegistry(Sensor, Marker);
        await using var a = await Node.StartAsync("a", nats, registry);
        await using var b = await Node.StartAsync("b", nats, registry);

        var markerOnB = b.Open(Marker);
        a.Clock.Advance(TimeSpan.FromSeconds(1));
        var older = a.Open(Sensor);
        b.Clock.Advance(TimeSpan.FromSeconds(2));
        var newer = b.Open(Sensor);

        Assert.Equal((ReasonCode.SessionTakenOver, "session_taken_over"), await older.Closed.Task.WaitAsync(Eventually.DefaultTimeout));

        // a's notice of the marker comes after its notice of the older sensor session: once b acted
        // on it, b had judged that one too, and kept its newer session.
        a.Clock.Advance(TimeSpan.FromSeconds(10));
        a.Open(Marker);
        Assert.Equal((ReasonCode.SessionTakenOver, "session_taken_over"), await markerOnB.Closed.Task.WaitAsync(Eventually.DefaultTimeout));
        Assert.False(newer.Closed.Task.IsCompleted);
        Assert.Same(newer.Session, b.Sessions.Find("sensor-1"));
        Assert.Null(a.Sessions.Find("sensor-1"));
    }

    [Fact]
    public async Task OfTwoSessionsOpenedAtTheSameInstantOneStays()
    {
        await using var nats = await NatsServer.StartAsync();
        var registry = new SharedRegistry(Sensor, Marker);
        await using var a = await Node.StartAsync("a", nats, registry);
        await using var b = await Node.StartAsync("b", nats, registry);

        var markerOnA = a.Open(Marker);
        var onA = a.Open(Sensor);
        var onB = b.Open(Sensor);

        // The tie goes to the node whose name sorts last: a closes, b keeps.
        Assert.Equal((ReasonCode.SessionTakenOver, "session_taken_over"), await onA.Closed.Task.WaitAsync(Eventually.DefaultTimeout));
        b.Clock.Advance(TimeSpan.FromSeconds(1));
        b.Open(Marker);
        await markerOnA.Closed.Task.WaitAsync(Eventually.DefaultTimeout);
        Assert.False(onB.Closed.Task.IsCompleted);
    }

    [Fact]
    public async Task ADeviceDisabledThroughOneNodeIsCutOnTheOther()
    {
        await using var nats = await NatsServer.StartAsync();
        var registry = new SharedRegistry(Sensor, Marker);
        await using var a = await Node.StartAsync("a", nats, registry);
        await using var b = await Node.StartAsync("b", nats, registry);
        var session = a.Open(Sensor);
        Assert.Equal(Sensor, (await a.Directory.FindAsync("sensor-1", CancellationToken.None)).Device);

        // Disabled through b: the shared registry changes, only b hears of it first hand, and a's
        // cache still holds the enabled record (its sweep is an hour away on a's clock).
        registry.Set(Sensor with { Enabled = false });
        b.Directory.Announce("sensor-1");

        Assert.Equal((ReasonCode.AdministrativeAction, "device_disabled"), await session.Closed.Task.WaitAsync(Eventually.DefaultTimeout));
    }

    private static DeviceRecord Record(string id) => new(id, true, "acme", [], 1, DateTimeOffset.UnixEpoch, new byte[32]);

    /// <summary>The registry every node reads (PostgreSQL in a real cluster).</summary>
    private sealed class SharedRegistry(params DeviceRecord[] devices)
    {
        private readonly ConcurrentDictionary<string, DeviceRecord> _devices = new(devices.ToDictionary(d => d.DeviceId));

        public DeviceRecord? Find(string deviceId) => _devices.TryGetValue(deviceId, out var device) ? device : null;

        public void Set(DeviceRecord device) => _devices[device.DeviceId] = device;
    }

    /// <summary>
    /// One node's view of the shared registry: a cache, as the gateway's, that only a change made
    /// through this node (<see cref="Announce"/>) or a read of the current record renews.
    /// </summary>
    private sealed class NodeDirectory(SharedRegistry registry) : IDeviceDirectory
    {
        private readonly ConcurrentDictionary<string, DeviceRecord?> _cache = new();

        public event EventHandler<string>? DeviceChanged;

        public ValueTask<DeviceLookup> FindAsync(string deviceId, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Lookup(_cache.GetOrAdd(deviceId, registry.Find)));

        public ValueTask<DeviceLookup> FindCurrentAsync(string deviceId, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Lookup(_cache[deviceId] = registry.Find(deviceId)));

        public void Announce(string deviceId)
        {
            _cache[deviceId] = registry.Find(deviceId);
            DeviceChanged?.Invoke(this, deviceId);
        }

        private static DeviceLookup Lookup(DeviceRecord? device) => device == null ? DeviceLookup.NotFound : DeviceLookup.Found(device);
    }

    private sealed class RecordingConnection(DeviceSession session) : ISessionConnection
    {
        public DeviceSession Session { get; } = session;

        public TaskCompletionSource<(ReasonCode, string)> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Close(ReasonCode code, string reason) => Closed.TrySetResult((code, reason));

        public bool Send(string topic, ReadOnlySpan<byte> payload) => true;
    }

    private sealed class Node : IAsyncDisposable
    {
        private readonly NatsConnection _nats;
        private readonly SessionNotices _notices;

        private Node(string name, NatsServer server, SharedRegistry registry)
        {
            Clock = new FakeTimeProvider(TestClock.Start);
            Directory = new NodeDirectory(registry);
            var ingress = Options.Create(new MqttIngressOptions { RevalidateInterval = TimeSpan.FromHours(1) });
            Sessions = new SessionRegistry(Clock, ingress, new TopicPolicy(Options.Create(new TopicPolicyOptions())), new GatewayMetrics(),
                NullLogger<SessionRegistry>.Instance, Directory);
            _nats = new NatsConnection(new NatsOpts { Url = server.Url });
            _notices = new SessionNotices(_nats, Sessions, Options.Create(new ClusterOptions { Mode = GatewayMode.Cluster, NodeId = name }), Clock,
                NullLogger<SessionNotices>.Instance, Directory);
        }

        public FakeTimeProvider Clock { get; }

        public NodeDirectory Directory { get; }

        public SessionRegistry Sessions { get; }

        public static async Task<Node> StartAsync(string name, NatsServer server, SharedRegistry registry)
        {
            var node = new Node(name, server, registry);
            await node._notices.StartAsync(CancellationToken.None);

            // Subscriptions are registered with the server once a round trip completed after them.
            await node._nats.PingAsync();
            return node;
        }

        public RecordingConnection Open(DeviceRecord device)
        {
            var session = new DeviceSession(device, null, Clock.GetUtcNow().AddHours(1));
            var connection = new RecordingConnection(session);
            session.Connection = connection;
            Sessions.Add(session);
            return connection;
        }

        public async ValueTask DisposeAsync()
        {
            await _notices.DisposeAsync();
            Sessions.Dispose();
            await _nats.DisposeAsync();
        }
    }
}
