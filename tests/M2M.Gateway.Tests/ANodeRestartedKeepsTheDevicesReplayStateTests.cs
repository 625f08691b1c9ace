using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// A gateway node started again knows each device's replay state (docs/ingress.md, "Cluster
/// mode") from the device's KV checkpoint plus the records the stream holds after it: here the
/// records the checkpoint covers have been purged, and a record was written after it by a node that
/// crashed before checkpointing. The new node still recognises resends of both, refuses other
/// content under accepted numbers, and appends the next message after the last one.
/// </summary>
public sealed class ANodeRestartedKeepsTheDevicesReplayStateTests : IAsyncLifetime
{
    private ClusterJournalRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterJournalRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task TheCheckpointAndTheRecordsAfterItAreTheWindow()
    {
        var first = await _rig.NodeAsync("a");
        for (var seq = 1u; seq <= 5; seq++)
        {
            Assert.Equal(AppendOutcome.Appended, (await ClusterJournalRig.AppendAsync(first, ClusterJournalRig.Message("sensor-1", 1, seq))).Outcome);
        }

        // Stopping writes the pending checkpoints.
        await first.StopAsync(CancellationToken.None);
        var (checkpoint, _) = await _rig.Checkpoints().ReadAsync("sensor-1", CancellationToken.None);
        Assert.Equal((5UL, new ReplayMark(1, 1, 5)), (checkpoint.LastSubjectSeq, checkpoint.Mark()));
        Assert.Equal(6, await _rig.WriteAsCrashedNodeAsync(ClusterJournalRig.Message("sensor-1", 1, 6)));
        await _rig.PurgeBeforeAsync(6);

        var restarted = await _rig.NodeAsync("a");
        Assert.Equal(new ReplayMark(1, 1, 6), await restarted.ReadMarkAsync("sensor-1", CancellationToken.None));
        Assert.Equal(AppendOutcome.Duplicate, (await ClusterJournalRig.AppendAsync(restarted, ClusterJournalRig.Message("sensor-1", 1, 5))).Outcome);
        Assert.Equal(AppendOutcome.Duplicate, (await ClusterJournalRig.AppendAsync(restarted, ClusterJournalRig.Message("sensor-1", 1, 6))).Outcome);
        Assert.Equal(AppendOutcome.Replayed, (await ClusterJournalRig.AppendAsync(restarted, ClusterJournalRig.Message("sensor-1", 1, 4, "forged"))).Outcome);
        var next = await ClusterJournalRig.AppendAsync(restarted, ClusterJournalRig.Message("sensor-1", 1, 7));
        Assert.Equal((AppendOutcome.Appended, 7L), (next.Outcome, next.Position));
        Assert.Equal([6u, 7u], (await _rig.StoredAsync()).Select(r => r.Sequence));
    }
}
