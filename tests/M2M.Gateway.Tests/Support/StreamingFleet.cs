using System.Globalization;
using M2M.Device.Core.Host.App;
using M2M.Testing;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// Devices of the device core streaming telemetry through a <see cref="ClusterRig"/>, and what the
/// cluster must show for it afterwards: every message a device saw acknowledged in the journal
/// stream and at every sink exactly once, nothing else twice (docs/scaling.md, "What a failure costs").
/// </summary>
public sealed class StreamingFleet
{
    private readonly ClusterRig _rig;
    private readonly Dictionary<string, RunningDevice> _devices = [];
    private readonly Dictionary<string, long> _acknowledged = [];
    private readonly Dictionary<string, long> _collected = [];
    private readonly Dictionary<string, byte[]> _secrets = [];

    private StreamingFleet(ClusterRig rig) => _rig = rig;

    public IReadOnlyCollection<string> DeviceIds => _devices.Keys;

    /// <summary>Registers <paramref name="count"/> devices through node 0 and boots them behind the load balancer, one message a second each.</summary>
    public static async Task<StreamingFleet> StartAsync(ClusterRig rig, int count)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var fleet = new StreamingFleet(rig);
        for (var i = 0; i < count; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"meter-{i:D3}");
            fleet._secrets[id] = await rig.AddDeviceAsync(id);
            fleet._devices[id] = rig.StartDevice(id, fleet._secrets[id]);
        }

        return fleet;
    }

    /// <summary>The secret S of a device of the fleet.</summary>
    public byte[] Secret(string deviceId) => _secrets[deviceId];

    /// <summary>Waits until every device has had at least <paramref name="messages"/> messages acknowledged.</summary>
    public Task AcknowledgedAsync(long messages) => Eventually.TrueAsync(
        () => _devices.Values.All(d => d.App.Session?.Acknowledged >= messages),
        $"every device to have {messages} messages acknowledged", TimeSpan.FromSeconds(120));

    /// <summary>
    /// Stops every device once its outbox is empty, so every message it collected was acknowledged,
    /// and records how many that is. A device that collected again in between is stopped with its
    /// newest messages unacknowledged: those are then allowed at the sinks (at most once), not required.
    /// </summary>
    public async Task StopAsync()
    {
        foreach (var (id, device) in _devices)
        {
            await Eventually.TrueAsync(() => device.App.Outbox?.Count == 0, $"{id} to have every message acknowledged", TimeSpan.FromSeconds(60));
            device.Dispose();
            _collected[id] = device.App.Collected;
            _acknowledged[id] = device.App.Collected - device.App.Outbox!.Count;
        }
    }

    /// <summary>The ids (<c>{device}/{generation}/{epoch}/{seq}</c>) that must be stored, per device in order.</summary>
    public IReadOnlyList<string> Required(string deviceId)
    {
        var epoch = _devices[deviceId].App.Epoch;
        return [.. Enumerable.Range(1, (int)_acknowledged[deviceId]).Select(seq => string.Create(CultureInfo.InvariantCulture, $"{deviceId}/1/{epoch}/{seq}"))];
    }

    /// <summary>The newest acknowledged id of each device: once a sink holds them all, it holds what came before (the relay keeps journal order per device).</summary>
    public IReadOnlyList<string> Sentinels => [.. _devices.Keys.Select(id => Required(id)[^1])];

    /// <summary>
    /// Asserts that <paramref name="stored"/> (the ids a sink or the journal holds, in its order)
    /// has every required id of every device exactly once and nothing twice, each device's in order.
    /// </summary>
    public void AssertExactlyOnce(string where, IReadOnlyList<string> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var repeated = stored.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"{where} holds {repeated.Count} ids more than once: {string.Join(", ", repeated.Take(10))}");
        AssertAtLeastOnce(where, stored);
    }

    /// <summary>
    /// Asserts that <paramref name="stored"/> has every required id of every device, each device's in
    /// order of first arrival, and nothing the devices did not send; repeats are allowed.
    /// </summary>
    public void AssertAtLeastOnce(string where, IReadOnlyList<string> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        foreach (var id in _devices.Keys)
        {
            var required = Required(id);
            var held = stored.Where(s => s.StartsWith(id + "/", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Take(required.Count).ToList();
            Assert.True(required.SequenceEqual(held), $"{where}: {id} needs {required.Count} acknowledged messages in order; the first held differ or are missing ({held.Count} held: {string.Join(", ", held.Take(3))}...; required {string.Join(", ", required.Take(3))}...)");
            var sent = required[0][..required[0].LastIndexOf('/')] + "/";
            Assert.All(stored.Where(s => s.StartsWith(id + "/", StringComparison.Ordinal)), s =>
                Assert.True(s.StartsWith(sent, StringComparison.Ordinal) && long.Parse(s[sent.Length..], CultureInfo.InvariantCulture) <= _collected[id], $"{where} holds {s}, which {id} never sent"));
        }
    }
}
