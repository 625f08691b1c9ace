using M2M.Gateway.Cluster.Relay;
using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// Cluster mode backlog (docs/sinks.md, "Cluster mode"), the figure Gateway:Journal:MaxBacklog
/// bounds: the stream's last sequence less the slowest enabled sink's position, the saved one for a
/// sink another node delivers and the live one for a sink this node delivers, on every node whether
/// it delivers anything or not; the ingress's wait completes once it is below the bound. Seen
/// failing with only this node's live positions counted (a node delivering nothing saw 0).
/// </summary>
public sealed class TheClusterBacklogIsTheStreamsEndLessTheSlowestSinkTests : IAsyncLifetime
{
    private ClusterRelayRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterRelayRig.StartAsync();

    public Task DisposeAsync() => _rig.DisposeAsync().AsTask();

    [Fact]
    public async Task TheBacklogCountsEveryEnabledSinkWhereverItIsDelivered()
    {
        var (services, journal) = await _rig.RelayJournalAsync(new NoFold(), TimeSpan.Zero, ("Webhook:Url", "http://127.0.0.1:9/events"));
        await using (services)
        {
            await _rig.PublishAsync(1, 100);
            journal.SetSinkPosition("file", 60);
            journal.SetSinkPosition("webhook", 40);

            // Neither sink is delivered here: both saved positions count.
            await Eventually.ValueAsync(() => journal.Backlog, b => b == 60, "a backlog of 100 - 40");

            // The webhook is delivered here now, live at 90: the file sink's saved 60 is the slowest.
            var webhook = journal.TrackSink("webhook", 90);
            Assert.Equal(40, journal.Backlog);
            var held = journal.WaitForBacklogBelowAsync(20, CancellationToken.None).AsTask();
            await _rig.PublishAsync(101, 110);
            await Eventually.ValueAsync(() => journal.Backlog, b => b == 50, "a backlog of 110 - 60");
            Assert.False(held.IsCompleted);

            journal.SetSinkPosition("file", 110);
            webhook.Report(100);
            await held.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(10, journal.Backlog);
        }
    }

    private sealed class NoFold : IReplayFold
    {
        public Task FoldAsync(IReadOnlyList<JournalRecord> records, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
