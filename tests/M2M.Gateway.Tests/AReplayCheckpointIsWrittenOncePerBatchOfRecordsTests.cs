using M2M.Gateway.Cluster;
using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/scaling.md, "Replay protection across nodes": a device's replay checkpoint is written once
/// per Gateway:Cluster:CheckpointEvery of its records, not after each (which would double the
/// replicated writes of every message), and the records short of a batch are written when the node
/// stops. The KV revision counts the writes: only this device writes to the bucket here.
/// </summary>
public sealed class AReplayCheckpointIsWrittenOncePerBatchOfRecordsTests : IAsyncLifetime
{
    private ClusterJournalRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterJournalRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task EveryFourthRecordWritesTheCheckpointAndStoppingWritesTheRest()
    {
        var node = await _rig.NodeAsync("a", checkpointEvery: 4);
        var checkpoints = _rig.Checkpoints();
        await AppendAsync(node, 1, 4);
        Assert.Equal((4UL, 1UL), await CheckpointAtAsync(checkpoints, 4));

        // Three more write nothing; the fourth writes the checkpoint again, its second write.
        await AppendAsync(node, 5, 8);
        Assert.Equal((8UL, 2UL), await CheckpointAtAsync(checkpoints, 8));

        await AppendAsync(node, 9, 9);
        await node.StopAsync(CancellationToken.None);
        var (state, revision) = await checkpoints.ReadAsync("sensor-1", CancellationToken.None);
        Assert.Equal((9UL, 3UL, new ReplayMark(1, 1, 9)), (state.LastSubjectSeq, revision, state.Mark()));
    }

    private static async Task AppendAsync(ClusterJournal node, uint first, uint last)
    {
        for (var seq = first; seq <= last; seq++)
        {
            Assert.Equal(AppendOutcome.Appended, (await ClusterJournalRig.AppendAsync(node, ClusterJournalRig.Message("sensor-1", 1, seq))).Outcome);
        }
    }

    /// <summary>The checkpoint's last record and revision, once it has reached <paramref name="position"/>.</summary>
    private static async Task<(ulong Last, ulong Revision)> CheckpointAtAsync(ReplayCheckpoints checkpoints, ulong position) =>
        await Eventually.ValueAsync(
            async () =>
            {
                var (state, revision) = await checkpoints.ReadAsync("sensor-1", CancellationToken.None);
                return (state.LastSubjectSeq, revision);
            },
            read => read.LastSubjectSeq >= position,
            $"the checkpoint to reach record {position}");
}
