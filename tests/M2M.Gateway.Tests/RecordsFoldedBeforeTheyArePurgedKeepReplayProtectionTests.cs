using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// The relay's retention folds the records it is about to purge into their devices' replay
/// checkpoints first (<c>ReplayCheckpoints.FoldAsync</c>, docs/ingress.md "Cluster mode"), so
/// purging them never lets a resend or a replay through. The records here were written by a node
/// that crashed before checkpointing any of them, so the fold is the only place their state is kept.
/// A fold never moves a checkpoint backwards. Every record of the device is purged, so its subject
/// is empty: the node's first write, expecting the checkpoint's last subject sequence, is refused,
/// and it must then expect 0 (ClusterJournal.CatchUpAsync's conflict path). Seen failing with that
/// path keeping the stale expectation (the new message then failed instead of being appended).
/// Purged to nothing twice, the device still appends: the slot's message id names the device's last
/// record the node folded in, which a purge does not reset (seen failing with the id naming the
/// expected sequence, 0 both times, still held by JetStream's duplicate window). A node whose view
/// of the device stops before records another node wrote and retention then purged takes the
/// checkpoint they were folded into, so their resends stay duplicates (seen failing without it: the
/// resend was appended a second time).
/// </summary>
public sealed class RecordsFoldedBeforeTheyArePurgedKeepReplayProtectionTests : IAsyncLifetime
{
    private ClusterJournalRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterJournalRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task FoldThenPurgeKeepsEveryReplayRule()
    {
        // Started first (it creates the stream); it learns of the device only at its first append.
        var node = await _rig.NodeAsync("b");
        for (var seq = 1u; seq <= 5; seq++)
        {
            await _rig.WriteAsCrashedNodeAsync(ClusterJournalRig.Message("sensor-1", 1, seq));
        }

        var retention = _rig.Checkpoints();
        var purged = await _rig.StoredAsync();
        await retention.FoldAsync(purged, CancellationToken.None);
        // Folding older records again (a retention run repeated after a crash) changes nothing.
        await retention.FoldAsync(purged.Take(2).ToList(), CancellationToken.None);
        var (checkpoint, _) = await retention.ReadAsync("sensor-1", CancellationToken.None);
        Assert.Equal((5UL, new ReplayMark(1, 1, 5)), (checkpoint.LastSubjectSeq, checkpoint.Mark()));
        await _rig.PurgeBeforeAsync(6);
        Assert.Empty(await _rig.StoredAsync());

        Assert.Equal(AppendOutcome.Duplicate, (await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, 5))).Outcome);
        Assert.Equal(AppendOutcome.Replayed, (await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, 3, "forged"))).Outcome);
        Assert.Equal(AppendOutcome.Duplicate, (await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, 2))).Outcome);
        var next = await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, 6));
        Assert.Equal((AppendOutcome.Appended, 6L), (next.Outcome, next.Position));

        // Purged to nothing again, now that a node wrote the device's record after an empty subject
        // (its message id names that slot, and the duplicate window still holds it): the next
        // message is still appended, the purged ones are still refused.
        await retention.FoldAsync(await _rig.StoredAsync(), CancellationToken.None);
        await _rig.PurgeBeforeAsync(7);
        Assert.Equal(AppendOutcome.Duplicate, (await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, 6))).Outcome);
        var after = await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, 7));
        Assert.Equal((AppendOutcome.Appended, 7L), (after.Outcome, after.Position));
    }

    [Fact]
    public async Task ANodeBehindRecordsPurgedSinceTakesTheirFoldedState()
    {
        var behind = await _rig.NodeAsync("a");
        var other = await _rig.NodeAsync("b");
        for (var seq = 1u; seq <= 3; seq++)
        {
            Assert.Equal(AppendOutcome.Appended, (await ClusterJournalRig.AppendAsync(behind, ClusterJournalRig.Message("sensor-1", 1, seq))).Outcome);
        }

        // The device moves to the other node, which writes two more; retention then folds and purges all five.
        for (var seq = 4u; seq <= 5; seq++)
        {
            Assert.Equal(AppendOutcome.Appended, (await ClusterJournalRig.AppendAsync(other, ClusterJournalRig.Message("sensor-1", 1, seq))).Outcome);
        }

        var retention = _rig.Checkpoints();
        await retention.FoldAsync(await _rig.StoredAsync(), CancellationToken.None);
        await _rig.PurgeBeforeAsync(6);

        // Back on the first node, whose view stops at record 3.
        Assert.Equal(AppendOutcome.Duplicate, (await ClusterJournalRig.AppendAsync(behind, ClusterJournalRig.Message("sensor-1", 1, 5))).Outcome);
        Assert.Equal(AppendOutcome.Replayed, (await ClusterJournalRig.AppendAsync(behind, ClusterJournalRig.Message("sensor-1", 1, 4, "forged"))).Outcome);
        var next = await ClusterJournalRig.AppendAsync(behind, ClusterJournalRig.Message("sensor-1", 1, 6));
        Assert.Equal((AppendOutcome.Appended, 6L), (next.Outcome, next.Position));
        Assert.Equal([6u], (await _rig.StoredAsync()).Select(r => r.Sequence));
    }
}
