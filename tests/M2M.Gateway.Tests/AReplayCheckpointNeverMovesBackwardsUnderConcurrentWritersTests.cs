using M2M.Gateway.Cluster;
using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace M2M.Gateway.Tests;

/// <summary>
/// Two nodes write the same device's replay checkpoint (KV bucket <c>m2m-replay</c>) at once, each
/// from the revision it last read, often a stale one (ReplayCheckpoints.WriteAsync: a compare-and-set
/// on the key's revision; docs/scaling.md, "Replay protection across nodes"), while retention folds
/// older records into it. The checkpoint never moves backwards: a stale writer folded less far does
/// not overwrite a newer checkpoint, one folded further is not lost, and every revision the bucket
/// stores is further than the one before. Seen failing with the write made unconditional (a put),
/// and with the retry after a refused write overwriting whatever it found.
/// </summary>
public sealed class AReplayCheckpointNeverMovesBackwardsUnderConcurrentWritersTests : IAsyncLifetime
{
    private const string Device = "sensor-1";
    private const int Capacity = ClusterJournalRig.WindowCapacity;
    private readonly ClusterOptions _options = new() { Mode = GatewayMode.Cluster, NodeId = "test", Replicas = 1 };
    private readonly List<NatsConnection> _connections = [];
    private NatsServer _server = null!;

    public async Task InitializeAsync() => _server = await NatsServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task AStaleWriterDoesNotOverwriteANewerCheckpoint()
    {
        var a = Node("node-a");
        var b = Node("node-b");
        var (_, seenByB) = await b.ReadAsync(Device, CancellationToken.None);

        var newer = await a.WriteAsync(Device, State(10).ToBytes(), 10, 0, CancellationToken.None);

        // B writes from what it read before A's write, folded less far: A's checkpoint stays.
        Assert.Equal(newer, await b.WriteAsync(Device, State(5).ToBytes(), 5, seenByB, CancellationToken.None));
        var (kept, keptRevision) = await a.ReadAsync(Device, CancellationToken.None);
        Assert.Equal((10UL, new ReplayMark(1, 1, 10), newer), (kept.LastSubjectSeq, kept.Mark(), keptRevision));

        // From the same stale revision but folded further, B's write goes on top of A's.
        var further = await b.WriteAsync(Device, State(15).ToBytes(), 15, seenByB, CancellationToken.None);
        var (stored, storedRevision) = await a.ReadAsync(Device, CancellationToken.None);
        Assert.Equal((15UL, new ReplayMark(1, 1, 15), further), (stored.LastSubjectSeq, stored.Mark(), storedRevision));
        Assert.True(further > newer);
    }

    [Fact]
    public async Task RacingWritersLeaveTheFurthestCheckpointAndNeverStoreAnOlderOne()
    {
        var nodes = new[] { Node("node-a"), Node("node-b") };
        var retention = Node("retention");
        var bucket = await nodes[0].OpenAsync(CancellationToken.None);

        // Every value the bucket stores for the device, in revision order, from before the first write.
        using var watching = new CancellationTokenSource(ClusterJournalRig.Patience);
        var history = new List<(ulong Revision, ulong LastSubjectSeq)>();
        var watched = new TaskCompletionSource();
        var watch = Task.Run(async () =>
        {
            await foreach (var entry in bucket.WatchAsync<byte[]>(Device, opts: new NatsKVWatchOpts { OnNoData = _ => { watched.TrySetResult(); return ValueTask.FromResult(false); } }, cancellationToken: watching.Token))
            {
                watched.TrySetResult();
                lock (history)
                {
                    history.Add((entry.Revision, DeviceReplayState.FromBytes(entry.Value ?? [], Capacity).LastSubjectSeq));
                }
            }
        }, watching.Token);
        await watched.Task.WaitAsync(ClusterJournalRig.Patience);

        // Forty checkpoints in a shuffled order, alternately from the two nodes, each written from
        // revision 0 (as stale as it gets), and retention folding records 1 to 20 meanwhile.
        var order = Enumerable.Range(1, 40).OrderBy(seq => (seq * 17) % 41).ToList();
        var folded = Enumerable.Range(1, 20).Select(seq => Record((uint)seq)).ToList();
        await Task.WhenAll(order.Select((seq, i) => Task.Run(() => nodes[i % 2].WriteAsync(Device, State(seq).ToBytes(), (ulong)seq, 0, CancellationToken.None)))
            .Append(Task.Run(() => retention.FoldAsync(folded, CancellationToken.None))));

        var (final, finalRevision) = await nodes[0].ReadAsync(Device, CancellationToken.None);

        // The final revision is the sentinel: once the watch has it, it has seen every write before it.
        await Eventually.TrueAsync(() => { lock (history) { return history.Exists(h => h.Revision == finalRevision); } }, "the watch to see the final checkpoint", ClusterJournalRig.Patience);
        await watching.CancelAsync();
        try
        {
            await watch;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        var seqs = history.Select(h => h.LastSubjectSeq).ToList();
        Assert.True(seqs.Zip(seqs.Skip(1)).All(pair => pair.Second > pair.First), "the checkpoint moved backwards: " + string.Join(", ", seqs));
        Assert.Equal((40UL, new ReplayMark(1, 1, 40)), (final.LastSubjectSeq, final.Mark()));
    }

    private ReplayCheckpoints Node(string name)
    {
        var connection = new NatsConnection(new NatsOpts { Url = _server.Url, Name = name });
        _connections.Add(connection);
        return new ReplayCheckpoints(new NatsJSContext(connection), _options, Capacity);
    }

    /// <summary>The device's record at stream sequence <paramref name="seq"/>, message (1, <paramref name="seq"/>).</summary>
    private static JournalRecord Record(uint seq) => ClusterJournalRig.Message(Device, 1, seq).Record with { Position = seq };

    /// <summary>The device's state folded up to its record at stream sequence <paramref name="seq"/>.</summary>
    private static DeviceReplayState State(int seq)
    {
        var state = new DeviceReplayState(Capacity);
        for (var s = 1u; s <= seq; s++)
        {
            state.Fold(s, Record(s));
        }

        return state;
    }
}
