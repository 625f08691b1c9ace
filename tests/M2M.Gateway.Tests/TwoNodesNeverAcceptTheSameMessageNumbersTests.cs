using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// The compare-and-set of Cluster mode (docs/ingress.md, "Cluster mode"): two nodes judging one
/// device's messages at the same time, each from its own view of the device, never both accept
/// the same (generation, epoch, sequence) nor an older message after a newer one. Node A is given
/// the device's messages in order while node B is given them newest first (as two connections of
/// the device racing through two gateways would), and B's copies carry other content under the
/// same numbers: the stream holds each accepted record exactly once, in increasing order, and
/// every Appended outcome is the record stored at its position.
/// </summary>
public sealed class TwoNodesNeverAcceptTheSameMessageNumbersTests : IAsyncLifetime
{
    private const int Messages = 40;
    private ClusterJournalRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterJournalRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task ConcurrentAppendsAtTwoNodesAcceptEachNumberOnceInOrder()
    {
        var a = await _rig.NodeAsync("a", _rig.Cluster.Url(0));
        var b = await _rig.NodeAsync("b", _rig.Cluster.Url(1));
        // Both know the device first, so each judges the race from a view the other will outdate.
        Assert.Equal(AppendOutcome.Appended, (await ClusterJournalRig.AppendAsync(a, ClusterJournalRig.Message("sensor-1", 1, 1))).Outcome);
        Assert.Equal(AppendOutcome.Duplicate, (await ClusterJournalRig.AppendAsync(b, ClusterJournalRig.Message("sensor-1", 1, 1))).Outcome);

        var atA = Task.WhenAll(Enumerable.Range(2, Messages).Select(seq => ClusterJournalRig.AppendAsync(a, ClusterJournalRig.Message("sensor-1", 1, (uint)seq))));
        var atB = Task.WhenAll(Enumerable.Range(2, Messages).Reverse().Select(seq => ClusterJournalRig.AppendAsync(b, ClusterJournalRig.Message("sensor-1", 1, (uint)seq, "other"))));
        var outcomes = (await atA).Concat(await atB).ToList();

        var stored = await _rig.StoredAsync();
        var appended = outcomes.Where(o => o.Outcome == AppendOutcome.Appended).ToList();
        Assert.All(outcomes, o => Assert.NotEqual(AppendOutcome.Failed, o.Outcome));
        Assert.Equal(stored.Count, stored.Select(r => r.Sequence).Distinct().Count());
        Assert.Equal(stored.Select(r => r.Sequence).Order(), stored.Select(r => r.Sequence));
        Assert.Equal(
            stored.Skip(1).Select(r => (r.Position, r.Sequence, r.Signature)),
            appended.OrderBy(o => o.Position).Select(o => (o.Position, o.Record.Sequence, o.Record.Signature)));
        Assert.True(appended.Count >= 1, "the race accepted something");
    }
}
