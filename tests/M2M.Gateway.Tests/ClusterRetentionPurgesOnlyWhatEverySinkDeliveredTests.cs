using M2M.Gateway.Cluster.Relay;
using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// Cluster mode retention (docs/sinks.md, "Cluster mode"): the journal stream is purged up to the
/// slowest enabled sink's saved position, never past a record some sink has not delivered, and
/// never a record younger than Gateway:Journal:Retention; every record purged is first given to the
/// replay checkpoints' fold, while it is still in the stream. Seen failing with the fastest sink's
/// position taken for the slowest's, and with the purge before the fold.
/// </summary>
public sealed class ClusterRetentionPurgesOnlyWhatEverySinkDeliveredTests : IAsyncLifetime
{
    private ClusterRelayRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterRelayRig.StartAsync();

    public Task DisposeAsync() => _rig.DisposeAsync().AsTask();

    [Fact]
    public async Task TheStreamIsPurgedUpToTheSlowestSinkAfterTheFold()
    {
        var fold = new RecordingFold(_rig);
        var (services, journal) = await _rig.RelayJournalAsync(fold, TimeSpan.Zero, ("Webhook:Url", "http://127.0.0.1:9/events"));
        await using (services)
        {
            await _rig.PublishAsync(1, 100);

            // Retention purges nothing past the last record the relay's reader has seen: it follows
            // the stream asynchronously, and under load it may not have reached the end yet.
            await Eventually.TrueAsync(() => journal.LastPosition == 100, "the relay's reader to follow the stream to its end");
            journal.SetSinkPosition("file", 60);
            journal.SetSinkPosition("webhook", 40);

            Assert.Equal(40, await journal.PruneAsync(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CancellationToken.None));
            Assert.Equal((41L, 100L), await _rig.StreamStateAsync());
            Assert.Equal(Enumerable.Range(1, 40).Select(p => (long)p), fold.Folded.Select(r => r.Position));
            Assert.All(fold.FirstInStreamAtFold, first => Assert.Equal(1, first));

            // The webhook catches up: now the file sink is the slowest.
            journal.SetSinkPosition("webhook", 100);
            Assert.Equal(20, await journal.PruneAsync(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CancellationToken.None));
            Assert.Equal((61L, 100L), await _rig.StreamStateAsync());
            Assert.Equal(Enumerable.Range(1, 60).Select(p => (long)p), fold.Folded.Select(r => r.Position));
        }
    }

    [Fact]
    public async Task RecordsYoungerThanTheRetentionAreKeptEvenWhenDelivered()
    {
        var (services, journal) = await _rig.RelayJournalAsync(new RecordingFold(_rig), TimeSpan.FromHours(1));
        await using (services)
        {
            await _rig.PublishAsync(1, 10);
            journal.SetSinkPosition("file", 10);

            Assert.Equal(0, await journal.PruneAsync(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CancellationToken.None));
            Assert.Equal((1L, 10L), await _rig.StreamStateAsync());
        }
    }

    /// <summary>Keeps what it is given, and where the stream started at that moment.</summary>
    private sealed class RecordingFold(ClusterRelayRig rig) : IReplayFold
    {
        public List<JournalRecord> Folded { get; } = [];

        public List<long> FirstInStreamAtFold { get; } = [];

        public async Task FoldAsync(IReadOnlyList<JournalRecord> records, CancellationToken cancellationToken)
        {
            Folded.AddRange(records);
            FirstInStreamAtFold.Add((await rig.StreamStateAsync()).First);
        }
    }
}
