using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Replay protection across gateway nodes in Cluster mode (docs/ingress.md, "Cluster mode";
/// docs/protocol.md section 8 applied cluster-wide): a message accepted through node A and resent
/// through node B is a duplicate there (acknowledged, stored once), and once A has accepted a newer
/// message, an older one is refused at B as replayed, as is other content under numbers A accepted.
/// </summary>
public sealed class ReplayRulesHoldAcrossClusterNodesTests : IAsyncLifetime
{
    private ClusterJournalRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterJournalRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task AMessageAcceptedAtOneNodeIsADuplicateAtAnother()
    {
        var a = await _rig.NodeAsync("a", _rig.Cluster.Url(0));
        var b = await _rig.NodeAsync("b", _rig.Cluster.Url(1));
        var message = ClusterJournalRig.Message("sensor-1", 1, 1);

        var atA = await ClusterJournalRig.AppendAsync(a, message);
        var atB = await ClusterJournalRig.AppendAsync(b, message);

        Assert.Equal((AppendOutcome.Appended, 1L), (atA.Outcome, atA.Position));
        Assert.Equal(AppendOutcome.Duplicate, atB.Outcome);
        Assert.Equal([(1L, 1u)], (await _rig.StoredAsync()).Select(r => (r.Position, r.Sequence)));
    }

    [Fact]
    public async Task AnOlderMessageOrOtherContentIsReplayedAtAnotherNode()
    {
        var a = await _rig.NodeAsync("a", _rig.Cluster.Url(0));
        var b = await _rig.NodeAsync("b", _rig.Cluster.Url(1));
        // B knows the device from before (its window is loaded), then A accepts newer messages.
        Assert.Equal(AppendOutcome.Appended, (await ClusterJournalRig.AppendAsync(b, ClusterJournalRig.Message("sensor-1", 1, 1))).Outcome);
        Assert.Equal(AppendOutcome.Appended, (await ClusterJournalRig.AppendAsync(a, ClusterJournalRig.Message("sensor-1", 1, 5))).Outcome);

        var older = await ClusterJournalRig.AppendAsync(b, ClusterJournalRig.Message("sensor-1", 1, 3));
        var otherContent = await ClusterJournalRig.AppendAsync(b, ClusterJournalRig.Message("sensor-1", 1, 5, "forged"));
        var newer = await ClusterJournalRig.AppendAsync(b, ClusterJournalRig.Message("sensor-1", 1, 6));

        Assert.Equal(AppendOutcome.Replayed, older.Outcome);
        Assert.Equal(AppendOutcome.Replayed, otherContent.Outcome);
        Assert.Equal((AppendOutcome.Appended, 3L), (newer.Outcome, newer.Position));
        Assert.Equal([1u, 5u, 6u], (await _rig.StoredAsync()).Select(r => r.Sequence));
    }
}
