using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/scaling.md, "Sizing": a cluster node holds the replay state of the devices active on it,
/// not of every device it has ever seen. A device that appended nothing for
/// Gateway:Cluster:DeviceStateIdle leaves memory once its checkpoint is written, while a device
/// active within that time stays; the dropped device's next message is judged against its state
/// loaded again (checkpoint and stream): its resend is a duplicate, other content under an accepted
/// number is a replay, and its next message is appended after its last.
/// </summary>
public sealed class AnIdleDevicesReplayStateLeavesMemoryAndIsLoadedAgainTests : IAsyncLifetime
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(1);
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = TestClock.Fixed();
    private ClusterJournalRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterJournalRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task OnlyTheIdleDevicesStateIsDroppedAndItsNextMessageIsJudgedAsBefore()
    {
        var node = await _rig.NodeAsync("a", time: _time, deviceStateIdle: Idle);
        for (var seq = 1u; seq <= 3; seq++)
        {
            Assert.Equal(AppendOutcome.Appended, (await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, seq))).Outcome);
        }

        _time.Advance(Idle / 2);
        Assert.Equal(AppendOutcome.Appended, (await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-2", 1, 1))).Outcome);
        Assert.Equal(2, node.DevicesInMemory);

        // The clock moves on in steps, so the node's sweep runs: sensor-1 passes its idle time
        // first, while sensor-2's is still half of it away.
        await Eventually.TrueAsync(
            () =>
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                return !node.HoldsStateOf("sensor-1");
            },
            "sensor-1's state to be dropped");
        Assert.True(node.HoldsStateOf("sensor-2"), "sensor-2 appended within its idle time, yet its state was dropped");
        Assert.Equal(1, node.DevicesInMemory);

        Assert.Equal(AppendOutcome.Duplicate, (await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, 3))).Outcome);
        Assert.Equal(AppendOutcome.Replayed, (await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, 2, "forged"))).Outcome);
        var next = await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, 4));
        Assert.Equal((AppendOutcome.Appended, 5L), (next.Outcome, next.Position));
        Assert.Equal(2, node.DevicesInMemory);
        Assert.Equal([("sensor-1", 1u), ("sensor-1", 2u), ("sensor-1", 3u), ("sensor-2", 1u), ("sensor-1", 4u)], (await _rig.StoredAsync()).Select(r => (r.DeviceId, r.Sequence)));
    }
}
