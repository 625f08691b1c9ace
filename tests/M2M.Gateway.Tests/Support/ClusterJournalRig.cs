using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using M2M.Gateway.Cluster;
using M2M.Gateway.Journal;
using M2M.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// A real three-node NATS cluster (R3) and gateway nodes' cluster journals on it, each with its own
/// NATS connection, as separate gateway processes would have: the write side of Cluster mode
/// without the rest of the gateway. Records are of one tenant; a message's signature is derived
/// from its numbers and content, so a resend has the same one and other content has another.
/// </summary>
public sealed class ClusterJournalRig : IAsyncDisposable
{
    public const int WindowCapacity = 8;
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly List<IAsyncDisposable> _owned = [];

    private ClusterJournalRig(NatsCluster cluster) => Cluster = cluster;

    public NatsCluster Cluster { get; }

    public ClusterOptions Options { get; } = new() { Mode = GatewayMode.Cluster, NodeId = "test", Replicas = 3 };

    public static async Task<ClusterJournalRig> StartAsync() => new(await NatsCluster.StartAsync());

    /// <summary>
    /// A gateway node's journal connected to the NATS servers <paramref name="urls"/> (default: all
    /// of them), on <paramref name="time"/> (default: the system clock), dropping idle devices' state
    /// after <paramref name="deviceStateIdle"/> and checkpointing every <paramref name="checkpointEvery"/>
    /// records (defaults: the gateway's).
    /// </summary>
    public async Task<ClusterJournal> NodeAsync(string nodeId, string? urls = null, TimeProvider? time = null, TimeSpan? deviceStateIdle = null, int? checkpointEvery = null)
    {
        var connection = Connect(urls ?? Cluster.Urls, nodeId);
        _owned.Add(connection);
        var js = new NatsJSContext(connection);
        var options = new ClusterOptions { Mode = GatewayMode.Cluster, NodeId = nodeId, Replicas = Options.Replicas, Timeout = TimeSpan.FromSeconds(20) };
        options.DeviceStateIdle = deviceStateIdle ?? options.DeviceStateIdle;
        options.CheckpointEvery = checkpointEvery ?? options.CheckpointEvery;
        var journal = new ClusterJournal(js, options, new ReplayCheckpoints(js, options, WindowCapacity), time);
        await journal.StartAsync(CancellationToken.None);
        await journal.ReadMarkAsync("none", CancellationToken.None);
        _owned.Insert(0, journal);
        return journal;
    }

    /// <summary>Replay checkpoints as a node's relay retention sees them.</summary>
    public ReplayCheckpoints Checkpoints()
    {
        var connection = Connect(Cluster.Urls, "retention");
        _owned.Add(connection);
        return new ReplayCheckpoints(new NatsJSContext(connection), Options, WindowCapacity);
    }

    /// <summary>The record a device signed as message (<paramref name="epoch"/>, <paramref name="sequence"/>) with <paramref name="content"/>.</summary>
    public static (JournalRecord Record, byte[] Signature) Message(string deviceId, uint epoch, uint sequence, string content = "reading", long generation = 1)
    {
        var signature = SHA256.HashData(Encoding.UTF8.GetBytes($"{deviceId}/{generation}/{epoch}/{sequence}/{content}"));
        var record = new JournalRecord(0, deviceId, "acme", generation, $"m2m/acme/{deviceId}/power", epoch, sequence, 0, 1_700_000_000_000,
            "application/json", Encoding.UTF8.GetBytes($"{{\"{content}\":{sequence}}}"), Base64Url.EncodeToString(signature));
        return (record, signature);
    }

    /// <summary>Appends through <paramref name="journal"/> and waits for the outcome.</summary>
    public static async Task<JournalAppend> AppendAsync(IJournalWriter journal, (JournalRecord Record, byte[] Signature) message) =>
        await journal.AppendAndWaitAsync(message.Record, message.Signature, CancellationToken.None).WaitAsync(Patience);

    /// <summary>
    /// Writes a message to the journal stream as a node does, but outside any ClusterJournal: a
    /// node that crashed right after its write, before any checkpoint of it.
    /// </summary>
    public async Task<long> WriteAsCrashedNodeAsync((JournalRecord Record, byte[] Signature) message)
    {
        await using var connection = Connect(Cluster.Urls, "crashed");
        return await JournalStreamWrite.WriteAsync(new NatsJSContext(connection), Options, message.Record, "crashed");
    }

    /// <summary>Purges the journal stream's records before <paramref name="position"/>, as the relay's retention does.</summary>
    public async Task PurgeBeforeAsync(long position)
    {
        await using var connection = Connect(Cluster.Urls, "retention");
        await new NatsJSContext(connection).PurgeStreamAsync(Options.JournalStream, new StreamPurgeRequest { Seq = (ulong)position });
    }

    /// <summary>Every record of the journal stream, in stream order, read through a fresh connection.</summary>
    public async Task<IReadOnlyList<JournalRecord>> StoredAsync()
    {
        await using var connection = Connect(Cluster.Urls, "reader");
        var js = new NatsJSContext(connection);
        var count = (int)(await js.GetStreamAsync(Options.JournalStream)).Info.State.Messages;
        var records = new List<JournalRecord>(count);
        if (count == 0)
        {
            return records;
        }

        var consumer = await js.CreateOrderedConsumerAsync(Options.JournalStream);
        await foreach (var message in consumer.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = count, Expires = TimeSpan.FromSeconds(10) }))
        {
            var position = (long)message.Metadata!.Value.Sequence.Stream;
            records.Add(JournalStreamRecord.Read(Options.JournalSubjectPrefix, message.Subject, position, message.Headers, message.Data)
                ?? throw new InvalidOperationException($"stream message {position} is not a journal record"));
        }

        return records;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await Cluster.DisposeAsync();
    }

    private static NatsConnection Connect(string urls, string name) => new(new NatsOpts
    {
        Url = urls,
        Name = name,
        MaxReconnectRetry = -1,
        RequestTimeout = TimeSpan.FromSeconds(10),
    });
}
